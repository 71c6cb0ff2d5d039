import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { waitUntil } from '@portrait-animator/core/testing'
import { createTestPortrait, startEmulator, type Emulator, type LedgerEntry } from '@portrait-animator/emulator'
import { startRedisServer, type TestRedis } from '@portrait-animator/queue/testing'
import sharp from 'sharp'
import { afterEach, describe, expect, it } from 'vitest'
import { BIN, cleanEnv, runCli } from './run-cli.test-helpers.js'

// Sizes: the figures are 200 portraits (BATCH_TEST_PORTRAITS=200) and 50 for the kill test
// (BATCH_TEST_KILL_JOBS=50); the defaults are smaller so each test takes well under a minute on a
// busy 2-core machine.
const PORTRAITS = Number(process.env.BATCH_TEST_PORTRAITS ?? 20)
const KILL_JOBS = Number(process.env.BATCH_TEST_KILL_JOBS ?? 12)
// The provider's limit, and the limit configured below it (as the issue asks: the margin absorbs
// the time between a submission leaving a worker and the emulator recording it on a busy machine).
// Low on purpose: 3 workers limited per process only (3/s) would break it, and this machine runs
// about 3 jobs per second, so a higher limit could not tell shared limits from unshared ones.
const PROVIDER_RATE = 2
const FAL_RATE = 1
const TARGET = 'fal/live-portrait-image'
const env = cleanEnv({ FAL_KEY: 'fal-emulator-key' })

interface Worker extends ChildProcess {
  stderr: NonNullable<ChildProcess['stderr']>
  log: string
}

const cleanups: Array<() => Promise<unknown>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined)
})

/** A folder with `count` distinct portraits (distinct bytes: the ledger ties a charge to one). */
async function portraitFolder(directory: string, count: number): Promise<string> {
  const folder = join(directory, 'portraits')
  await mkdir(folder, { recursive: true })
  for (let index = 0; index < count; index++) await writeFile(join(folder, `p${String(index).padStart(3, '0')}.png`), await createTestPortrait({ width: 160 + index, height: 160 }))
  return folder
}

async function setup(jobDurationMs: number, options: { persistent?: boolean } = {}): Promise<{ emulator: Emulator; redis: TestRedis; directory: string; config: string }> {
  const [emulator, redis] = await Promise.all([startEmulator({ seed: 14, jobDurationMs }), startRedisServer(options)])
  const directory = await mkdtemp(join(tmpdir(), 'cli-batch-'))
  cleanups.push(() => emulator.stop(), () => redis.stop(), () => rm(directory, { recursive: true, force: true }))
  const config = join(directory, 'portrait-animator.json')
  await writeFile(config, JSON.stringify({
    stateDir: join(directory, 'state'),
    providers: { fal: { adapter: 'fal', apiKey: 'env:FAL_KEY', baseUrl: emulator.baseUrl, settings: { allowPrivateNetwork: true } } },
    routes: { default: { strategy: 'fallback', targets: [TARGET] } },
    targets: { [TARGET]: { limits: { ratePerSecond: FAL_RATE } } },
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

function batch(args: string[], directory: string) {
  return runCli(['batch', ...args, '--target', TARGET, '--expression', 'smile=0.5', '--json'], { cwd: directory, env, timeoutMs: 180_000 })
}

/** Entries per portrait digest. */
function perPortrait(entries: readonly LedgerEntry[]): Map<string | undefined, number> {
  const counts = new Map<string | undefined, number>()
  for (const entry of entries) counts.set(entry.inputDigest, (counts.get(entry.inputDigest) ?? 0) + 1)
  return counts
}

describe('batch on Redis with worker processes, against the emulator', () => {
  it(`${PORTRAITS} portraits on 3 workers: one charge each, never above the provider's ${PROVIDER_RATE}/s, and the same batch again pays nothing`, async () => {
    const { emulator, redis, directory, config } = await setup(200)
    const folder = await portraitFolder(directory, PORTRAITS)
    for (let index = 0; index < 3; index++) await startWorker(config, redis.url, ['--concurrency', '4'])

    const first = await batch([folder, '--out', 'out', '--redis', redis.url], directory)
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    const summary = JSON.parse(first.stdout) as { done: number; outputs: Array<{ output: string }> }
    expect(summary.done).toBe(PORTRAITS)
    for (const { output } of summary.outputs) expect((await sharp(await readFile(output)).metadata()).format).toBe('jpeg')

    const charges = emulator.ledger.charges({ provider: 'fal' })
    expect(charges).toHaveLength(PORTRAITS)
    expect([...perPortrait(charges).values()].every((count) => count === 1)).toBe(true)
    expect(perPortrait(charges).size).toBe(PORTRAITS)
    // No one-second window holds more than the limit's submissions (the ledger's timestamps).
    const times = emulator.ledger.submissions({ provider: 'fal' }).map((entry) => entry.at).sort((a, b) => a - b)
    const busiest = Math.max(...times.map((start) => times.filter((at) => at >= start && at < start + 1000).length))
    expect(busiest, `submission times (ms from the first): ${times.map((at) => at - times[0]!).join(' ')}`).toBeLessThanOrEqual(PROVIDER_RATE)

    const again = await batch([folder, '--out', 'out', '--redis', redis.url], directory)
    expect(again.code).toBe(0)
    expect(emulator.ledger.submissions({ provider: 'fal' })).toHaveLength(PORTRAITS)
    expect(emulator.ledger.charges({ provider: 'fal' })).toHaveLength(PORTRAITS)
  })

  it(`kill -9 of a worker in the middle of ${KILL_JOBS} jobs: the other worker finishes them, each submitted and charged once`, async () => {
    const { emulator, redis, directory, config } = await setup(2000)
    const folder = await portraitFolder(directory, KILL_JOBS)
    const lock = ['--lock-duration', '2000', '--stalled-interval', '500', '--concurrency', '3']
    const doomed = await startWorker(config, redis.url, lock)
    const running = batch([folder, '--out', 'out', '--redis', redis.url], directory)
    await waitUntil(() => emulator.ledger.submissions({ provider: 'fal' }).length >= 3, { what: 'the first worker to submit three jobs', timeoutMs: 60_000 })
    await startWorker(config, redis.url, lock)
    doomed.kill('SIGKILL')

    const result = await running
    expect(result.code).toBe(0)
    const summary = JSON.parse(result.stdout) as { done: number; outputs: Array<{ resumed: boolean }> }
    expect(summary.done).toBe(KILL_JOBS)
    // The killed worker's provider jobs were followed to their end by the other, not paid again.
    expect(summary.outputs.filter((output) => output.resumed).length).toBeGreaterThanOrEqual(1)
    const submissions = perPortrait(emulator.ledger.submissions({ provider: 'fal' }))
    expect(submissions.size).toBe(KILL_JOBS)
    expect([...submissions.values()].every((count) => count === 1)).toBe(true)
    await waitUntil(() => emulator.ledger.charges({ provider: 'fal' }).length === KILL_JOBS, { what: 'every charge' })
    expect([...perPortrait(emulator.ledger.charges({ provider: 'fal' })).values()].every((count) => count === 1)).toBe(true)
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
