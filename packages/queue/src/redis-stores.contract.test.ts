import { Redis } from 'ioredis'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { JobHandle } from '@portrait-animator/core'
import { MemoryRetirementStore, type RetirementRecord } from '@portrait-animator/router'
import { RedisBreakerStore } from './redis-breaker-store.js'
import { RedisJobJournal } from './redis-job-journal.js'
import { RedisRateLimitStore } from './redis-rate-limit-store.js'
import { RedisRetirementStore } from './redis-retirement-store.js'
import { startRedisServer, type TestRedis } from './testing/index.js'

let server: TestRedis
let redis: Redis
let prefix = 0
beforeAll(async () => {
  server = await startRedisServer()
  redis = new Redis(server.url)
})
afterAll(async () => {
  redis.disconnect()
  await server.stop()
})
beforeEach(() => {
  prefix++
})
const opts = () => ({ prefix: `t${prefix}:` })

const DAY = 24 * 60 * 60 * 1000
const START = Date.parse('2026-01-01T00:00:00Z')
const record = (target: string, endpoint: string, atMs = START): RetirementRecord => ({ target, endpoint, at: new Date(atMs).toISOString(), reason: 'ERROR_AI_NOT_EXISTS' })

// The same scenarios as the router's memory and file retirement stores.
describe.each([
  ['memory', (options: { now: () => number; recheckAfterMs?: number }) => new MemoryRetirementStore(options)],
  ['redis', (options: { now: () => number; recheckAfterMs?: number }) => new RedisRetirementStore(redis, { ...options, ...opts() })],
])('%s retirement store (contract)', (_name, create) => {
  it('remembers a retirement per target and endpoint', async () => {
    const store = create({ now: () => START })
    await store.remember(record('ailab/live-photo', 'vendor'))
    await store.remember(record('ailab/live-photo', 'http://a.example'))
    await store.remember(record('ailab/live-photo', 'vendor'))
    expect((await store.list()).map((item) => item.endpoint).sort()).toEqual(['http://a.example', 'vendor'])
  })

  it('forgets one endpoint, or every endpoint of a target, and says how many', async () => {
    const store = create({ now: () => START })
    await store.remember(record('ailab/live-photo', 'vendor'))
    await store.remember(record('ailab/live-photo', 'http://a.example'))
    await store.remember(record('fal/live-portrait', 'vendor'))
    expect(await store.forget('ailab/live-photo', 'http://a.example')).toBe(1)
    expect(await store.forget('ailab/live-photo', 'http://a.example')).toBe(0)
    expect(await store.forget('ailab/live-photo')).toBe(1)
    expect((await store.list()).map((item) => item.target)).toEqual(['fal/live-portrait'])
  })

  it('lets a retirement lapse after the recheck time, so the target is called again', async () => {
    let now = START
    const store = create({ now: () => now, recheckAfterMs: DAY })
    await store.remember(record('ailab/live-photo', 'vendor'))
    now = START + DAY - 1
    expect(await store.list()).toHaveLength(1)
    now = START + DAY
    expect(await store.list()).toEqual([])
  })
})

describe('redis retirement store', () => {
  it('shows a retirement remembered by one process to another', async () => {
    const other = new Redis(server.url)
    try {
      await new RedisRetirementStore(redis, opts()).remember(record('ailab/live-photo', 'vendor', Date.now()))
      expect(await new RedisRetirementStore(other, opts()).list()).toMatchObject([{ target: 'ailab/live-photo' }])
    } finally {
      other.disconnect()
    }
  })
})

describe('redis breaker store', () => {
  const settings = { failureThreshold: 2, cooldownMs: 1000, probeLeaseMs: 500 }

  it('opens after the threshold for every process, then lets exactly one probe through', async () => {
    let now = START
    const a = new RedisBreakerStore(redis, { ...opts(), now: () => now })
    const b = new RedisBreakerStore(new Redis(server.url), { ...opts(), now: () => now })
    expect(await a.record('fal/live-portrait', 'failure', settings)).toEqual({ opened: false })
    expect(await b.record('fal/live-portrait', 'failure', settings)).toEqual({ opened: true })
    expect(await a.tryAcquire('fal/live-portrait', settings)).toBe(false)
    expect(await a.state('fal/live-portrait', settings)).toEqual({ state: 'open', failures: 2, untilMs: START + 1000 })
    now = START + 1000
    const probes = await Promise.all([a, b, a, b].map((store) => store.tryAcquire('fal/live-portrait', settings)))
    expect(probes.filter(Boolean)).toHaveLength(1)
    expect(await b.state('fal/live-portrait', settings)).toEqual({ state: 'half-open', failures: 2, probing: true })
    expect(await b.list()).toEqual([{ target: 'fal/live-portrait', state: 'half-open', failures: 2, probing: true }])
    await a.record('fal/live-portrait', 'success', settings)
    expect(await b.state('fal/live-portrait', settings)).toEqual({ state: 'closed', failures: 0 })
    expect(await b.list()).toEqual([])
  })

  it('gives the probe to another caller when the prober dies (its lease ends) or ends neutral', async () => {
    let now = START
    const store = new RedisBreakerStore(redis, { ...opts(), now: () => now })
    await store.record('magichour/talking-photo', 'failure', settings)
    await store.record('magichour/talking-photo', 'failure', settings)
    now = START + 1000
    expect(await store.tryAcquire('magichour/talking-photo', settings)).toBe(true)
    expect(await store.tryAcquire('magichour/talking-photo', settings)).toBe(false)
    now = START + 1500
    expect(await store.tryAcquire('magichour/talking-photo', settings)).toBe(true)
    await store.record('magichour/talking-photo', 'neutral', settings)
    expect(await store.tryAcquire('magichour/talking-photo', settings)).toBe(true)
    expect(await store.record('magichour/talking-photo', 'failure', settings)).toEqual({ opened: true })
    expect(await store.tryAcquire('magichour/talking-photo', settings)).toBe(false)
    expect(await store.reset('magichour/talking-photo')).toBe(true)
    expect(await store.reset('magichour/talking-photo')).toBe(false)
    expect(await store.tryAcquire('magichour/talking-photo', settings)).toBe(true)
  })
})

describe('redis rate-limit store', () => {
  it('never lets more than the concurrency run at once across clients', async () => {
    const stores = [new RedisRateLimitStore(redis, opts()), new RedisRateLimitStore(new Redis(server.url), opts())]
    let running = 0
    let most = 0
    await Promise.all(Array.from({ length: 12 }, async (_, index) => {
      const release = await stores[index % 2]!.acquire('fal/live-portrait', { concurrency: 3 })
      running++
      most = Math.max(most, running)
      await new Promise((resolve) => setImmediate(resolve))
      await new Promise((resolve) => setTimeout(resolve, 5))
      running--
      await release()
    }))
    expect(most).toBeLessThanOrEqual(3)
    expect(most).toBeGreaterThan(1)
  })

  it('starts at most ratePerSecond calls in any one-second window', async () => {
    const store = new RedisRateLimitStore(redis, opts())
    const starts: number[] = []
    await Promise.all(Array.from({ length: 9 }, async () => {
      await store.acquire('magichour/talking-photo', { ratePerSecond: 4 })
      starts.push(Date.now())
    }))
    starts.sort((a, b) => a - b)
    // Redis's clock and this process's are the same machine's: 4 per window means the 5th start is
    // at least a second after the 1st.
    for (let index = 4; index < starts.length; index++) expect(starts[index]! - starts[index - 4]!).toBeGreaterThanOrEqual(990)
  })

  it('holds every caller of a paused key, and gives up a wait when the signal aborts', async () => {
    const store = new RedisRateLimitStore(redis, opts())
    await store.pause('fal/live-portrait', Date.now() + 60_000)
    expect(await store.pausedForMs('fal/live-portrait')).toBeGreaterThan(50_000)
    const controller = new AbortController()
    const waiting = store.acquire('fal/live-portrait', {}, controller.signal)
    controller.abort(new Error('stop'))
    await expect(waiting).rejects.toThrow('stop')
    expect(await store.pausedForMs('other/target')).toBe(0)
  })
})

describe('redis job journal', () => {
  it('lists what was recorded and not completed, from any client', async () => {
    const handle: JobHandle = { specificationVersion: 'v1', provider: 'fal', modelId: 'live-portrait', jobId: 'req-1', submittedAt: new Date(START).toISOString() }
    const journal = new RedisJobJournal(redis, opts())
    await journal.record({ version: 1, id: 'a-1', route: 'default', target: 'fal/live-portrait', handle, startedAt: handle.submittedAt })
    await journal.record({ version: 1, id: 'b-1', route: 'default', target: 'fal/live-portrait', handle: { ...handle, jobId: 'req-2' }, startedAt: handle.submittedAt })
    await journal.complete('a-1')
    const other = new RedisJobJournal(new Redis(server.url), opts())
    expect((await other.list()).map((entry) => entry.handle.jobId)).toEqual(['req-2'])
    expect(await other.get('b-1')).toMatchObject({ target: 'fal/live-portrait' })
    expect(await other.get('a-1')).toBeUndefined()
  })
})
