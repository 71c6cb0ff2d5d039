import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readMp4Summary } from '@portrait-animator/core'
import { waitUntil } from '@portrait-animator/core/testing'
import { createTestPortrait, startEmulator, type Emulator, type FaultRule, type LedgerEntry, type ProviderName } from '@portrait-animator/emulator'
import { connectRedis, RedisJobJournal } from '@portrait-animator/queue'
import { startRedisServer, type TestRedis } from '@portrait-animator/queue/testing'
import sharp from 'sharp'
import { afterEach, describe, expect, it } from 'vitest'
import { BIN, cleanEnv, runCli } from './run-cli.test-helpers.js'

// Sizes: the figures are 200 portraits (BATCH_TEST_PORTRAITS=200) and 50 for the kill test
// (BATCH_TEST_KILL_JOBS=50); the defaults are smaller so each test takes well under a minute on a
// busy 2-core machine.
const PORTRAITS = Number(process.env.BATCH_TEST_PORTRAITS ?? 20)
const KILL_JOBS = Number(process.env.BATCH_TEST_KILL_JOBS ?? 12)
// At 1 submission per second per target, N portraits take about N/2 seconds on two targets: the
// test's time and each batch's are scaled with N (the default 20 stays well under the usual limit).
const BATCH_TIMEOUT_MS = Math.max(180_000, PORTRAITS * 2_000, KILL_JOBS * 6_000)
// The provider's limit (the emulator answers 429 above it), and the limit configured below it (as
// the issue asks: the margin absorbs the time between a submission leaving a worker and the
// emulator recording it on a busy machine).
// Low on purpose: 3 workers limited per process only (3/s) would break it, and this machine runs
// about 3 jobs per second, so a higher limit could not tell shared limits from unshared ones.
const PROVIDER_RATE = 2
const FAL_RATE = 1
const MAGIC_HOUR_RATE = 1
const TARGET = 'fal/live-portrait-image'
const MAGIC_HOUR_TARGET = 'magichour/image-to-video'
const env = cleanEnv({ FAL_KEY: 'fal-emulator-key', MAGIC_HOUR_API_KEY: 'mh-emulator-key' })

interface Worker extends ChildProcess {
  stderr: NonNullable<ChildProcess['stderr']>
  log: string
}

const cleanups: Array<() => Promise<unknown>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined)
})

/** A folder with `count` distinct portraits (distinct bytes: the ledger ties a charge to one; `offset` keeps two folders distinct). */
async function portraitFolder(directory: string, count: number, name = 'portraits', offset = 0): Promise<string> {
  const folder = join(directory, name)
  await mkdir(folder, { recursive: true })
  for (let index = 0; index < count; index++) await writeFile(join(folder, `p${String(index).padStart(3, '0')}.png`), await createTestPortrait({ width: 160 + offset + index, height: 160 }))
  return folder
}

async function setup(jobDurationMs: number, options: { persistent?: boolean; providerRate?: number; faults?: FaultRule[] } = {}): Promise<{ emulator: Emulator; redis: TestRedis; directory: string; config: string }> {
  const rateLimits = options.providerRate === undefined ? {} : { rateLimits: { fal: options.providerRate, magichour: options.providerRate } }
  const [emulator, redis] = await Promise.all([startEmulator({ seed: 14, jobDurationMs, ...rateLimits, ...(options.faults ? { faults: options.faults } : {}) }), startRedisServer(options.persistent ? { persistent: true } : {})])
  const directory = await mkdtemp(join(tmpdir(), 'cli-batch-'))
  cleanups.push(() => emulator.stop(), () => redis.stop(), () => rm(directory, { recursive: true, force: true }))
  const config = join(directory, 'portrait-animator.json')
  await writeFile(config, JSON.stringify({
    stateDir: join(directory, 'state'),
    providers: {
      fal: { adapter: 'fal', apiKey: 'env:FAL_KEY', baseUrl: emulator.baseUrl, settings: { allowPrivateNetwork: true } },
      magichour: { adapter: 'magichour', apiKey: 'env:MAGIC_HOUR_API_KEY', baseUrl: emulator.baseUrl, settings: { allowPrivateNetwork: true, pollIntervalMs: 100 } },
    },
    routes: { default: { strategy: 'fallback', targets: [TARGET] } },
    targets: { [TARGET]: { limits: { ratePerSecond: FAL_RATE } }, [MAGIC_HOUR_TARGET]: { limits: { ratePerSecond: MAGIC_HOUR_RATE } } },
  }))
  return { emulator, redis, directory, config }
}

/** Starts `portrait-animator worker` as its own process and waits until it says it is ready. */
async function startWorker(config: string, redisUrl: string, extra: string[] = []): Promise<Worker> {
  const child = spawn(process.execPath, [BIN, 'worker', '--redis', redisUrl, '--config', config, ...extra], { env, stdio: ['ignore', 'ignore', 'pipe'] }) as Worker
  child.log = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (child.log += chunk))
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGKILL')
      await exited
    }
  })
  await waitUntil(() => child.log.includes('Worker ready') || child.exitCode !== null, { what: 'the worker to start', timeoutMs: 60_000 })
  expect(child.log).toContain('Worker ready')
  return child
}

/** A batch on fal (an expression, JPEG outputs), or with `motion` on another target. */
function batch(args: string[], directory: string, motion: string[] = ['--target', TARGET, '--expression', 'smile=0.5']) {
  return runCli(['batch', ...args, ...motion, '--json'], { cwd: directory, env, timeoutMs: BATCH_TIMEOUT_MS })
}

/** The most submissions the provider saw in any one-second window (the ledger's timestamps). */
function busiestSecond(emulator: Emulator, provider: ProviderName): { busiest: number; times: string } {
  const times = emulator.ledger.submissions({ provider }).map((entry) => entry.at).sort((a, b) => a - b)
  const busiest = Math.max(...times.map((start) => times.filter((at) => at >= start && at < start + 1000).length))
  return { busiest, times: `${provider} submission times (ms from the first): ${times.map((at) => at - times[0]!).join(' ')}` }
}

/** The batch's journal of provider handles in the test's Redis (closed after the test). */
async function redisJournal(redis: TestRedis): Promise<RedisJobJournal> {
  const connection = connectRedis(redis.url)
  cleanups.push(() => connection.quit())
  return new RedisJobJournal(connection)
}

/** Entries per portrait digest. */
function perPortrait(entries: readonly LedgerEntry[]): Map<string | undefined, number> {
  const counts = new Map<string | undefined, number>()
  for (const entry of entries) counts.set(entry.inputDigest, (counts.get(entry.inputDigest) ?? 0) + 1)
  return counts
}

describe('batch on Redis with worker processes, against the emulator', () => {
  it(`${PORTRAITS} portraits on 3 workers, half on fal and half on Magic Hour: one charge each, never above either provider's ${PROVIDER_RATE}/s, and the same batch again pays nothing`, async () => {
    const { emulator, redis, directory, config } = await setup(200, { providerRate: PROVIDER_RATE })
    const falCount = Math.ceil(PORTRAITS / 2)
    const magicHourCount = PORTRAITS - falCount
    const falFolder = await portraitFolder(directory, falCount, 'fal')
    const magicHourFolder = await portraitFolder(directory, magicHourCount, 'magichour', falCount)
    const magicHour = ['--target', MAGIC_HOUR_TARGET, '--preset', 'live-photo']
    for (let index = 0; index < 3; index++) await startWorker(config, redis.url, ['--concurrency', '4'])

    // Both batches at once on the same workers: each target is held to its own limit.
    const [first, firstMagicHour] = await Promise.all([batch([falFolder, '--out', 'out', '--redis', redis.url], directory), batch([magicHourFolder, '--out', 'out-mh', '--redis', redis.url], directory, magicHour)])
    for (const run of [first, firstMagicHour]) {
      expect(run.stderr).toBe('')
      expect(run.code, run.stdout).toBe(0)
    }
    const summary = JSON.parse(first.stdout) as { done: number; outputs: Array<{ output: string }> }
    expect(summary.done).toBe(falCount)
    for (const { output } of summary.outputs) expect((await sharp(await readFile(output)).metadata()).format).toBe('jpeg')
    const magicHourSummary = JSON.parse(firstMagicHour.stdout) as { done: number; outputs: Array<{ output: string; servedBy: string }> }
    expect(magicHourSummary.done).toBe(magicHourCount)
    for (const { output, servedBy } of magicHourSummary.outputs) {
      expect(servedBy).toBe(MAGIC_HOUR_TARGET)
      expect(readMp4Summary(new Uint8Array(await readFile(output)))).toMatchObject({ codec: 'avc1' })
    }

    for (const [provider, count] of [['fal', falCount], ['magichour', magicHourCount]] as const) {
      const charges = emulator.ledger.charges({ provider })
      expect(charges, provider).toHaveLength(count)
      expect(perPortrait(charges).size, provider).toBe(count)
      expect([...perPortrait(charges).values()].every((charged) => charged === 1), provider).toBe(true)
      // No one-second window holds more than the provider's limit of submissions.
      const { busiest, times } = busiestSecond(emulator, provider)
      expect(busiest, times).toBeLessThanOrEqual(PROVIDER_RATE)
    }

    const [again, againMagicHour] = await Promise.all([batch([falFolder, '--out', 'out', '--redis', redis.url], directory), batch([magicHourFolder, '--out', 'out-mh', '--redis', redis.url], directory, magicHour)])
    expect(again.code).toBe(0)
    expect(againMagicHour.code).toBe(0)
    expect(emulator.ledger.submissions({ provider: 'fal' })).toHaveLength(falCount)
    expect(emulator.ledger.charges({ provider: 'fal' })).toHaveLength(falCount)
    expect(emulator.ledger.submissions({ provider: 'magichour' })).toHaveLength(magicHourCount)
    expect(emulator.ledger.charges({ provider: 'magichour' })).toHaveLength(magicHourCount)
    // The emulator holds each provider to PROVIDER_RATE itself: not one submission was over it (no
    // 429), Magic Hour's included (its SDK has its own HTTP client: the slot is taken in onSubmitting).
    expect(emulator.ledger.rateLimited({ provider: 'fal' })).toEqual([])
    expect(emulator.ledger.rateLimited({ provider: 'magichour' })).toEqual([])
  }, BATCH_TIMEOUT_MS)

  it(`kill -9 of a worker in the middle of ${KILL_JOBS} jobs: another worker finishes them, each submitted and charged once`, async () => {
    // Jobs of 6 s at 1 submission per second: once its 3 jobs are submitted and journaled, the
    // doomed worker has no submit in flight for seconds (that window is the next test's case).
    const { emulator, redis, directory, config } = await setup(6000)
    const folder = await portraitFolder(directory, KILL_JOBS)
    const lock = ['--lock-duration', '2000', '--stalled-interval', '500', '--concurrency', '3']
    const doomed = await startWorker(config, redis.url, lock)
    const running = batch([folder, '--out', 'out', '--redis', redis.url], directory)
    const journal = await redisJournal(redis)
    await waitUntil(async () => (await journal.list()).length >= 3, { what: 'the first worker to submit and journal three jobs', timeoutMs: 60_000 })
    doomed.kill('SIGKILL')
    await startWorker(config, redis.url, lock)

    const result = await running
    expect(result.code).toBe(0)
    const summary = JSON.parse(result.stdout) as { done: number; outputs: Array<{ resumed: boolean }> }
    expect(summary.done).toBe(KILL_JOBS)
    // The killed worker's provider jobs were followed to their end by the other, not paid again.
    expect(summary.outputs.filter((output) => output.resumed).length).toBeGreaterThanOrEqual(3)
    const submissions = perPortrait(emulator.ledger.submissions({ provider: 'fal' }))
    expect(submissions.size).toBe(KILL_JOBS)
    expect([...submissions.values()].every((count) => count === 1)).toBe(true)
    await waitUntil(() => emulator.ledger.charges({ provider: 'fal' }).length === KILL_JOBS, { what: 'every charge' })
    expect([...perPortrait(emulator.ledger.charges({ provider: 'fal' })).values()].every((count) => count === 1)).toBe(true)
  }, BATCH_TIMEOUT_MS)

  it('kill -9 of a worker whose paid submit is in flight: the job is reported "acceptance unknown", not submitted again; the others finish', async () => {
    // The first submit is accepted and charged but its answer never comes: the worker is killed waiting for it.
    const { emulator, redis, directory, config } = await setup(200, { faults: [{ route: 'fal.submit', sequence: [{ hang: true, processed: true }] }] })
    const folder = await portraitFolder(directory, 3)
    const lock = ['--lock-duration', '2000', '--stalled-interval', '500', '--concurrency', '1']
    const doomed = await startWorker(config, redis.url, lock)
    const running = batch([folder, '--out', 'out', '--redis', redis.url], directory)
    await waitUntil(() => emulator.ledger.submissions({ provider: 'fal' }).length === 1, { what: 'the first submit to reach the provider', timeoutMs: 60_000 })
    doomed.kill('SIGKILL')
    await startWorker(config, redis.url, lock)

    const result = await running
    expect(result.code).toBe(3)
    const summary = JSON.parse(result.stdout) as { done: number; failed: Array<{ kind: string; reason: string }> }
    expect(summary.done).toBe(2)
    expect(summary.failed).toHaveLength(1)
    expect(summary.failed[0]).toMatchObject({ kind: 'unavailable' })
    expect(summary.failed[0]!.reason).toMatch(/may have accepted and charged it.*--resubmit-unknown/s)
    // Three portraits, three submissions: the one in flight was not sent again.
    const submissions = perPortrait(emulator.ledger.submissions({ provider: 'fal' }))
    expect(submissions.size).toBe(3)
    expect([...submissions.values()].every((count) => count === 1)).toBe(true)
  })

  it('Redis restarted in the middle of a batch: the workers reconnect and the batch completes, each portrait charged once', async () => {
    const { emulator, redis, directory, config } = await setup(800, { persistent: true })
    const jobs = 10
    const folder = await portraitFolder(directory, jobs)
    await startWorker(config, redis.url, ['--concurrency', '2'])
    await startWorker(config, redis.url, ['--concurrency', '2'])
    const running = batch([folder, '--out', 'out', '--redis', redis.url], directory)
    await waitUntil(() => emulator.ledger.charges({ provider: 'fal' }).length >= 2, { what: 'two charges', timeoutMs: 60_000 })
    await redis.restart()

    const result = await running
    expect(result.code).toBe(0)
    expect((JSON.parse(result.stdout) as { done: number }).done).toBe(jobs)
    const submissions = perPortrait(emulator.ledger.submissions({ provider: 'fal' }))
    expect(submissions.size).toBe(jobs)
    expect([...submissions.values()].every((count) => count === 1)).toBe(true)
  })
})

/** A loopback proxy in front of the emulator that counts the requests it forwards. */
async function countingProxy(target: string): Promise<{ url: string; count: () => number }> {
  let count = 0
  const server = createServer((request, response) => {
    count++
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', async () => {
      const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => name !== 'host' && name !== 'content-length').map(([name, value]) => [name, String(value)]))
      const answer = await fetch(`${target}${request.url}`, { method: request.method!, headers, ...(chunks.length ? { body: Buffer.concat(chunks) } : {}) })
      response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' })
      response.end(Buffer.from(await answer.arrayBuffer()))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(() => new Promise((resolve) => server.close(resolve)))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, count: () => count }
}

describe('a retired target on Redis', () => {
  it('answers retired to one worker and is skipped by every worker from then on', async () => {
    const emulator = await startEmulator({ seed: 17, jobDurationMs: 200, ailab: { mode: 'retired' } })
    const redis = await startRedisServer()
    const directory = await mkdtemp(join(tmpdir(), 'cli-batch-retired-'))
    cleanups.push(() => emulator.stop(), () => redis.stop(), () => rm(directory, { recursive: true, force: true }))
    const proxy = await countingProxy(emulator.baseUrl)
    const config = join(directory, 'portrait-animator.json')
    await writeFile(config, JSON.stringify({
      stateDir: join(directory, 'state'),
      providers: { ailab: { adapter: 'ailab', apiKey: 'env:AILAB_API_KEY', baseUrl: proxy.url, settings: { allowPrivateNetwork: true } } },
      routes: { default: { strategy: 'fallback', targets: ['ailab/live-photo'] } },
    }))
    const folder = await portraitFolder(directory, 6)
    const retiredEnv = cleanEnv({ AILAB_API_KEY: 'ailab-emulator-key' })
    for (let index = 0; index < 2; index++) {
      const child = spawn(process.execPath, [BIN, 'worker', '--redis', redis.url, '--config', config, '--concurrency', '1'], { env: retiredEnv, stdio: ['ignore', 'ignore', 'pipe'] }) as Worker
      child.log = ''
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (child.log += chunk))
      cleanups.push(async () => void child.kill('SIGKILL'))
      await waitUntil(() => child.log.includes('Worker ready'), { what: 'a worker to start', timeoutMs: 60_000 })
    }
    const run = await runCli(['batch', folder, '--out', 'out', '--redis', redis.url, '--target', 'ailab/live-photo', '--json'], { cwd: directory, env: retiredEnv, timeoutMs: 180_000 })
    expect(run.code).toBe(3)
    const summary = JSON.parse(run.stdout) as { failed: Array<{ kind: string }> }
    expect(summary.failed).toHaveLength(6)
    // At most one call per worker could be in flight when the first answer came; after it, none.
    expect(proxy.count()).toBeGreaterThanOrEqual(1)
    expect(proxy.count()).toBeLessThanOrEqual(2)
  })
})
