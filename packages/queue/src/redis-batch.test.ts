import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { waitUntil } from '@portrait-animator/core/testing'
import { createTestPortrait, startEmulator, type Emulator } from '@portrait-animator/emulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { animationJobId, digestFile, type AnimationJobData } from './animation-job.js'
import type { BatchBackend, BatchJob, BatchJobStatus } from './batch-backend.js'
import { InProcessBatchBackend } from './in-process-batch-backend.js'
import { RedisBatchBackend } from './redis-batch-backend.js'
import { startRedisServer, type TestRedis } from './testing/index.js'

let redis: TestRedis
let emulator: Emulator
let directory: string
const env = { FAL_KEY: 'fal-emulator-key' }

beforeAll(async () => {
  ;[redis, emulator] = await Promise.all([startRedisServer(), startEmulator({ seed: 14, jobDurationMs: 100 })])
  directory = await mkdtemp(join(tmpdir(), 'pa-queue-'))
})
afterAll(async () => {
  await Promise.all([redis?.stop(), emulator?.stop()])
  if (directory) await rm(directory, { recursive: true, force: true })
})

function config(stateDir: string) {
  return {
    stateDir,
    providers: { fal: { adapter: 'fal', apiKey: 'env:FAL_KEY', baseUrl: emulator.baseUrl, settings: { allowPrivateNetwork: true } } },
    routes: { default: { strategy: 'fallback' as const, targets: ['fal/live-portrait-image'] } },
  }
}

/** `count` distinct portraits (distinct bytes, so the ledger ties each charge to one of them). */
async function portraits(count: number, out: string, offset = 0): Promise<BatchJob[]> {
  const jobs: BatchJob[] = []
  for (let index = 0; index < count; index++) {
    const image = join(directory, `portrait-${offset + index}.png`)
    await writeFile(image, await createTestPortrait({ width: 200 + offset + index, height: 200 }))
    const base = { image, imageDigest: await digestFile(image), motion: { type: 'expression' as const, smile: 0.5 }, format: 'jpeg' as const }
    const data: AnimationJobData = { ...base, output: join(out, `portrait-${offset + index}.jpg`) }
    jobs.push({ id: animationJobId(base), data })
  }
  return jobs
}

async function finish(backend: BatchBackend, jobs: BatchJob[]): Promise<Map<string, BatchJobStatus>> {
  return waitUntil(async () => {
    const statuses = await backend.statuses(jobs.map((job) => job.id))
    return [...statuses.values()].filter((status) => status.state === 'completed' || status.state === 'failed').length === jobs.length ? statuses : undefined
  }, { timeoutMs: 90_000, intervalMs: 100, what: 'every job to finish' })
}

describe.each([
  ['redis', (stateDir: string) => RedisBatchBackend.open({ redisUrl: redis.url, config: config(stateDir), env, workers: 2, concurrency: 2, allowPrivateNetwork: true })],
  ['in-process', (stateDir: string) => InProcessBatchBackend.open({ stateDir: join(stateDir, 'batch'), config: config(stateDir), env, concurrency: 4, allowPrivateNetwork: true })],
])('%s batch', (name, open) => {
  it('writes every output, charges each portrait once, and the same batch again pays nothing', async () => {
    const stateDir = join(directory, `${name}-state`)
    const jobs = await portraits(5, join(directory, `${name}-out`), name === 'redis' ? 0 : 100)
    const before = emulator.ledger.charges({ provider: 'fal' }).length
    const first = await open(stateDir)
    try {
      await first.submit(jobs)
      await first.submit(jobs) // enqueued twice: runs once
      const statuses = await finish(first, jobs)
      expect([...statuses.values()].map((status) => (status.state === 'failed' ? status.failure.reason : status.state))).toEqual(jobs.map(() => 'completed'))
    } finally {
      await first.close()
    }
    for (const job of jobs) expect((await readFile(job.data.output)).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]))
    const charges = emulator.ledger.charges({ provider: 'fal' }).slice(before)
    expect(new Set(charges.map((charge) => charge.inputDigest)).size).toBe(jobs.length)
    expect(charges).toHaveLength(jobs.length)

    const second = await open(stateDir)
    try {
      await second.submit(jobs)
      await finish(second, jobs)
    } finally {
      await second.close()
    }
    expect(emulator.ledger.charges({ provider: 'fal' }).slice(before)).toHaveLength(jobs.length)
  })
})
