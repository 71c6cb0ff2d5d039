import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readMp4Summary, type AnimationRequest } from '@portrait-animator/core'
import { createTestPortrait, startEmulator, type Emulator } from '@portrait-animator/emulator'
import { waitUntil } from '@portrait-animator/core/testing'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { QueuedAnimator } from './queued-animator.js'
import { startRedisServer, type TestRedis } from './testing/index.js'

let redis: TestRedis
let emulator: Emulator
let directory: string
const opened: QueuedAnimator[] = []

beforeAll(async () => {
  ;[redis, emulator] = await Promise.all([startRedisServer(), startEmulator({ seed: 22, jobDurationMs: 100 })])
  directory = await mkdtemp(join(tmpdir(), 'pa-queued-'))
})
afterEach(async () => {
  for (const animator of opened.splice(0)) await animator.close()
})
afterAll(async () => {
  await Promise.all([redis?.stop(), emulator?.stop()])
  if (directory) await rm(directory, { recursive: true, force: true })
})

const config = () => ({
  stateDir: join(directory, 'state'),
  providers: { fal: { adapter: 'fal', apiKey: 'env:FAL_KEY', baseUrl: emulator.baseUrl, settings: { allowPrivateNetwork: true } } },
  routes: { default: { strategy: 'fallback' as const, targets: ['fal/live-portrait'] } },
})

async function open(workers: number, env: Record<string, string> = { FAL_KEY: 'fal-emulator-key' }, spool: { spoolDir?: string; spoolGraceMs?: number } = {}): Promise<QueuedAnimator> {
  const animator = await QueuedAnimator.open({ redisUrl: redis.url, spoolDir: join(directory, 'spool'), workers, config: config(), env, allowPrivateNetwork: true, ...spool })
  opened.push(animator)
  return animator
}

async function request(width: number): Promise<AnimationRequest> {
  return { image: new Uint8Array(await createTestPortrait({ width, height: 200 })), motion: { type: 'preset', preset: 'live-photo' }, output: { kind: 'video', format: 'mp4' } }
}

describe('QueuedAnimator: requests answered by jobs on the BullMQ queue (real redis-server, the emulator)', () => {
  it('a caller whose deadline passes stops waiting; the job stays queued and a later caller on another instance gets it, paid once', async () => {
    const portrait = await request(210)
    const lonely = await open(0)
    await expect(lonely.animate(portrait, { timeoutMs: 200 })).rejects.toMatchObject({ kind: 'timeout' })
    expect(emulator.ledger.submissions({ provider: 'fal' })).toHaveLength(0)

    const served = await open(1)
    const result = await served.animate(portrait)
    expect(result.servedBy.target).toBe('fal/live-portrait')
    expect(readMp4Summary(await result.output.bytes())).toMatchObject({ codec: 'avc1' })
    // The first caller asking again joins the finished job: nothing new is submitted.
    await lonely.animate(portrait)
    expect(emulator.ledger.charges({ provider: 'fal' })).toHaveLength(1)
  })

  it('a job that failed is tried again by the next request for it, not answered failed for the next 30 days', async () => {
    const portrait = await request(220)
    const keyless = await open(1, {})
    const failure = await keyless.animate(portrait).catch((error: unknown) => error)
    expect(failure).toMatchObject({ kind: expect.any(String) })
    await keyless.close()

    const fixed = await open(1)
    const result = await fixed.animate(portrait)
    expect(readMp4Summary(await result.output.bytes())).toMatchObject({ codec: 'avc1' })
  })

  it('a finished job whose output was cleaned out of the spool folder is done again for the next request', async () => {
    const portrait = await request(230)
    const animator = await open(1)
    await animator.animate(portrait)
    const before = emulator.ledger.submissions({ provider: 'fal' }).length
    await rm(join(directory, 'spool', 'outputs'), { recursive: true, force: true })

    const again = await animator.animate(portrait)
    expect(readMp4Summary(await again.output.bytes())).toMatchObject({ codec: 'avc1' })
    expect(emulator.ledger.submissions({ provider: 'fal' })).toHaveLength(before + 1)
    expect(await readdir(join(directory, 'spool', 'outputs'))).toHaveLength(1)
  })

  it("cleans the spool folder: a finished job's input at once, its output after the grace period, and what a stopped server left when one opens", async () => {
    const spoolDir = join(directory, 'spool-clean')
    // Left behind: files of jobs Redis no longer knows, an old file of the earlier digest-named
    // layout, and a recent one (kept: it may still be in use by a server of the earlier version).
    await mkdir(join(spoolDir, 'inputs'), { recursive: true })
    await mkdir(join(spoolDir, 'outputs'), { recursive: true })
    await writeFile(join(spoolDir, 'inputs', 'pa-0123abcd.png'), 'x')
    await writeFile(join(spoolDir, 'outputs', 'pa-0123abcd.mp4'), 'x')
    const legacy = join(spoolDir, 'inputs', `${'a'.repeat(64)}.png`)
    await writeFile(legacy, 'x')
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3_600_000)
    await utimes(legacy, twoDaysAgo, twoDaysAgo)
    await writeFile(join(spoolDir, 'inputs', `${'b'.repeat(64)}.png`), 'x')
    // A request whose caller gave up: its job stays queued, and so does its input.
    const queued = await request(241)
    await expect((await open(0, undefined, { spoolDir })).animate(queued, { timeoutMs: 200 })).rejects.toMatchObject({ kind: 'timeout' })
    const [queuedInput] = (await readdir(join(spoolDir, 'inputs'))).filter((name) => name.startsWith('pa-') && name !== 'pa-0123abcd.png')

    const animator = await open(0, undefined, { spoolDir, spoolGraceMs: 300 })
    expect((await readdir(join(spoolDir, 'inputs'))).sort()).toEqual([`${'b'.repeat(64)}.png`, queuedInput].sort())
    expect(await readdir(join(spoolDir, 'outputs'))).toEqual([])

    // Workers take the queued job (and a new one); each input goes when its job is done.
    const worker = await open(1, undefined, { spoolDir: join(directory, 'spool-unused') })
    const result = await animator.animate(await request(242))
    expect(readMp4Summary(await result.output.bytes())).toMatchObject({ codec: 'avc1' })
    expect((await readdir(join(spoolDir, 'outputs'))).length).toBeGreaterThanOrEqual(1)
    await waitUntil(async () => (await readdir(join(spoolDir, 'inputs'))).filter((name) => name.startsWith('pa-')).length <= 1, { what: 'the finished job\'s input to go' })
    await animator.animate(queued)
    expect(await readdir(join(spoolDir, 'inputs'))).toEqual([`${'b'.repeat(64)}.png`])
    await waitUntil(async () => (await readdir(join(spoolDir, 'outputs'))).length === 0, { what: 'the outputs to go after the grace period' })
    await worker.close()
  })
})
