import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readMp4Summary } from '@portrait-animator/core'
import { waitUntil } from '@portrait-animator/core/testing'
import { createTestPortrait, startEmulator, type Emulator, type FaultRule, type LedgerEntry } from '@portrait-animator/emulator'
import { startRedisServer, type TestRedis } from '@portrait-animator/queue/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { BIN, cleanEnv, firstLine, startCli } from './run-cli.test-helpers.js'

const KEY = 'queue-server-key-0001'
const TARGET = 'fal/live-portrait'
const env = cleanEnv({ FAL_KEY: 'fal-emulator-key' })

const cleanups: Array<() => Promise<unknown>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined)
})

interface Setup {
  readonly emulator: Emulator
  readonly redis: TestRedis
  readonly directory: string
  readonly config: string
  readonly spool: string
}

async function setup(jobDurationMs: number, options: { faults?: FaultRule[]; breaker?: object } = {}): Promise<Setup> {
  const [emulator, redis] = await Promise.all([startEmulator({ seed: 21, jobDurationMs, ...(options.faults ? { faults: options.faults } : {}) }), startRedisServer()])
  const directory = await mkdtemp(join(tmpdir(), 'cli-serve-redis-'))
  cleanups.push(() => emulator.stop(), () => redis.stop(), () => rm(directory, { recursive: true, force: true }))
  const config = join(directory, 'portrait-animator.json')
  await writeFile(config, JSON.stringify({
    stateDir: join(directory, 'state'),
    providers: { fal: { adapter: 'fal', apiKey: 'env:FAL_KEY', baseUrl: emulator.baseUrl, settings: { allowPrivateNetwork: true } } },
    routes: { default: { strategy: 'fallback', targets: [TARGET] } },
    ...(options.breaker ? { breaker: options.breaker, retry: { maxAttempts: 1 } } : {}),
  }))
  return { emulator, redis, directory, config, spool: join(directory, 'spool') }
}

/** `portrait-animator worker` as its own process, once it says it is ready. */
async function startWorker({ config, redis }: Setup): Promise<void> {
  const child = spawn(process.execPath, [BIN, 'worker', '--redis', redis.url, '--config', config, '--concurrency', '4'], { env, stdio: ['ignore', 'ignore', 'pipe'] })
  let log = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (log += chunk))
  cleanups.push(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGKILL')
    await exited
  })
  await waitUntil(() => log.includes('Worker ready') || child.exitCode !== null, { what: 'the worker to start', timeoutMs: 60_000 })
  expect(log).toContain('Worker ready')
}

/** `portrait-animator serve --redis` as its own process; resolves with its URL. */
async function startQueuedServer({ config, redis, directory, spool }: Setup, extra: string[] = []): Promise<string> {
  const child = startCli(['serve', '--port', '0', '--api-key', KEY, '--redis', redis.url, '--spool', spool, '--config', config, ...extra], { cwd: directory, env })
  cleanups.push(async () => {
    if (child.exitCode !== null) return
    child.kill('SIGTERM')
    await child.done
  })
  return (JSON.parse(await firstLine(child)) as { url: string }).url
}

async function post(url: string, image: Buffer, signal?: AbortSignal): Promise<{ status: number; code: string; video: Buffer }> {
  const body = new FormData()
  body.append('image_target', new Blob([new Uint8Array(image)], { type: 'image/png' }), 'portrait.png')
  body.append('type', '0')
  const response = await fetch(`${url}/api/portrait/effects/live-photo`, { method: 'POST', headers: { 'ailabapi-api-key': KEY }, body, ...(signal ? { signal } : {}) })
  const envelope = (await response.json()) as { error_detail: { code: string }; data?: { video?: string } }
  return { status: response.status, code: envelope.error_detail.code, video: Buffer.from(envelope.data?.video ?? '', 'base64') }
}

function perPortrait(entries: readonly LedgerEntry[]): Map<string | undefined, number> {
  const counts = new Map<string | undefined, number>()
  for (const entry of entries) counts.set(entry.inputDigest, (counts.get(entry.inputDigest) ?? 0) + 1)
  return counts
}

async function portraits(count: number): Promise<Buffer[]> {
  return Promise.all(Array.from({ length: count }, (_, index) => createTestPortrait({ width: 200 + index, height: 200 })))
}

describe('serve --redis: several server instances on one queue, against the emulator and a real redis-server', () => {
  it('two servers and one worker: every request to either server gets an MP4, and a portrait asked of both is charged once', async () => {
    const context = await setup(300)
    await startWorker(context)
    const urls = await Promise.all([startQueuedServer(context), startQueuedServer(context)])
    const images = await portraits(4)

    // Every portrait goes to both servers at once: 8 requests, 4 distinct pieces of work.
    const answers = await Promise.all(images.flatMap((image) => urls.map((url) => post(url, image))))
    for (const answer of answers) {
      expect(answer.status).toBe(200)
      expect(readMp4Summary(answer.video)).toMatchObject({ codec: 'avc1' })
    }
    const charges = context.emulator.ledger.charges({ provider: 'fal' })
    expect(perPortrait(charges).size).toBe(images.length)
    expect(charges).toHaveLength(images.length)
    expect(context.emulator.ledger.submissions({ provider: 'fal' })).toHaveLength(images.length)
  })

  it("a client that disconnects stops waiting but its job goes on: the same portrait asked again is answered from it, paid once; /metrics counts the worker's calls per target", async () => {
    const context = await setup(1500)
    const url = await startQueuedServer(context, ['--workers', '1'])
    const [image] = await portraits(1)
    const leaving = new AbortController()
    const gone = post(url, image!, leaving.signal).catch((error: unknown) => error)
    await waitUntil(() => context.emulator.ledger.submissions({ provider: 'fal' }).length === 1, { what: 'the job to be submitted', timeoutMs: 60_000 })
    leaving.abort()
    expect(await gone).toBeInstanceOf(Error)

    const again = await post(url, image!)
    expect(again.status).toBe(200)
    expect(readMp4Summary(again.video)).toMatchObject({ codec: 'avc1' })
    expect(context.emulator.ledger.submissions({ provider: 'fal' })).toHaveLength(1)
    expect(context.emulator.ledger.charges({ provider: 'fal' })).toHaveLength(1)
    expect(context.emulator.ledger.cancels({ provider: 'fal' })).toHaveLength(0)

    // /metrics has the in-process worker's calls per target (one attempt: the job ran once) and
    // the requests it served.
    const metrics = await (await fetch(`${url}/metrics`)).text()
    expect(metrics).toContain(`portrait_animator_target_attempts_total{target="${TARGET}"} 1`)
    expect(metrics).toContain(`portrait_animator_target_served_total{target="${TARGET}"} 1`)
  })

  it("/metrics of a server without workers shows the breaker a worker process opened, from Redis", async () => {
    const context = await setup(300, { faults: [{ route: 'fal.submit', status: 500 }], breaker: { failureThreshold: 1, cooldownMs: 600_000 } })
    await startWorker(context)
    const url = await startQueuedServer(context)
    const breaker = async (state: string) => {
      const metrics = await (await fetch(`${url}/metrics`)).text()
      return metrics.match(new RegExp(`portrait_animator_breaker_state\\{target="${TARGET}",state="${state}"\\} (\\d)`))?.[1]
    }
    expect(await breaker('open')).toBeUndefined() // nothing shut yet: no series
    const [image] = await portraits(1)
    void post(url, image!).catch(() => undefined)
    await waitUntil(async () => (await breaker('open')) === '1', { what: "the worker's open breaker on the server's /metrics", timeoutMs: 60_000 })
    expect(await breaker('closed')).toBe('0')
  })
})
