import { access, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { waitUntil } from '@portrait-animator/core/testing'
import { createTestPortrait, startEmulator, type Emulator } from '@portrait-animator/emulator'
import { afterEach, describe, expect, it } from 'vitest'
import { animationJobId, digestFile, type AnimationJobData } from './animation-job.js'
import type { BatchJob, BatchJobStatus } from './batch-backend.js'
import { InProcessBatchBackend } from './in-process-batch-backend.js'
import type { UnknownAcceptancePolicy } from './submit-intent.js'

const env = { FAL_KEY: 'fal-emulator-key' }
const cleanups: Array<() => Promise<unknown>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined)
})

/** An emulator whose first fal submit is accepted and charged but never answered (the lost answer). */
async function setup(): Promise<{ emulator: Emulator; directory: string; job: BatchJob }> {
  const emulator = await startEmulator({ seed: 31, jobDurationMs: 100, faults: [{ route: 'fal.submit', sequence: [{ hang: true, processed: true }] }] })
  const directory = await mkdtemp(join(tmpdir(), 'pa-intent-'))
  cleanups.push(() => emulator.stop(), () => rm(directory, { recursive: true, force: true }))
  const image = join(directory, 'portrait.png')
  await writeFile(image, await createTestPortrait({ width: 230, height: 200 }))
  const base = { image, imageDigest: await digestFile(image), motion: { type: 'expression' as const, smile: 0.5 }, format: 'jpeg' as const, target: 'fal/live-portrait-image' }
  const data: AnimationJobData = { ...base, output: join(directory, 'out', 'portrait.jpg') }
  return { emulator, directory, job: { id: animationJobId(base), data } }
}

function open(emulator: Emulator, directory: string, unknownAcceptance?: UnknownAcceptancePolicy): Promise<InProcessBatchBackend> {
  const config = {
    stateDir: join(directory, 'state'),
    providers: { fal: { adapter: 'fal', apiKey: 'env:FAL_KEY', baseUrl: emulator.baseUrl, settings: { allowPrivateNetwork: true } } },
    routes: { default: { strategy: 'fallback' as const, targets: ['fal/live-portrait-image'] } },
  }
  return InProcessBatchBackend.open({ stateDir: join(directory, 'batch'), config, env, concurrency: 1, allowPrivateNetwork: true, ...(unknownAcceptance ? { unknownAcceptance } : {}) })
}

async function ended(backend: InProcessBatchBackend, job: BatchJob): Promise<BatchJobStatus> {
  return waitUntil(async () => {
    const status = (await backend.statuses([job.id])).get(job.id)
    return status?.state === 'completed' || status?.state === 'failed' ? status : undefined
  }, { timeoutMs: 60_000, what: 'the job to end' })
}

describe('a run that stops while its paid submit is in flight (accepted and charged, no answer yet)', () => {
  it('leaves a submit-in-flight mark; the next run reports "acceptance unknown" without paying again, and --resubmit-unknown submits once more, marked', async () => {
    const { emulator, directory, job } = await setup()
    const first = await open(emulator, directory)
    await first.submit([job])
    // The provider took (and charged) the job, but its answer never came: stop the run right there.
    await waitUntil(() => emulator.ledger.submissions({ provider: 'fal' }).length === 1, { what: 'the submit to reach the provider' })
    expect((await readdir(join(directory, 'batch', 'journal'))).filter((name) => name.endsWith('.submitting.json'))).toHaveLength(1)
    await first.close(true)

    const second = await open(emulator, directory)
    await second.submit([job])
    const reported = await ended(second, job)
    expect(reported).toMatchObject({ state: 'failed', failure: { kind: 'unavailable' } })
    expect(reported.state === 'failed' && reported.failure.reason).toMatch(/while submitting this job to fal\/live-portrait-image .*may have accepted and charged it.*not submitted again.*--resubmit-unknown/s)
    expect(emulator.ledger.submissions({ provider: 'fal' })).toHaveLength(1)
    await second.close()

    const third = await open(emulator, directory, 'resubmit')
    await third.submit([job])
    expect(await ended(third, job)).toMatchObject({ state: 'completed', result: { resubmittedAfterUnknown: true, resumed: false } })
    await access(job.data.output)
    expect(emulator.ledger.submissions({ provider: 'fal' })).toHaveLength(2)
    // Done: the mark is gone, so the job is not reported again.
    expect((await readdir(join(directory, 'batch', 'journal'))).filter((name) => name.endsWith('.submitting.json'))).toHaveLength(0)
    await third.close()
  })

  it('a submit the provider refused (nothing accepted) leaves no mark: the next run submits normally', async () => {
    const emulator = await startEmulator({ seed: 32, jobDurationMs: 100, faults: [{ route: 'fal.submit', sequence: [{ status: 422 }] }] })
    const directory = await mkdtemp(join(tmpdir(), 'pa-intent-'))
    cleanups.push(() => emulator.stop(), () => rm(directory, { recursive: true, force: true }))
    const image = join(directory, 'portrait.png')
    await writeFile(image, await createTestPortrait({ width: 240, height: 200 }))
    const base = { image, imageDigest: await digestFile(image), motion: { type: 'expression' as const, smile: 0.5 }, format: 'jpeg' as const, target: 'fal/live-portrait-image' }
    const job = { id: animationJobId(base), data: { ...base, output: join(directory, 'out', 'portrait.jpg') } }
    const first = await open(emulator, directory)
    await first.submit([job])
    expect(await ended(first, job)).toMatchObject({ state: 'failed', failure: { kind: 'invalid_input' } })
    await first.close()
    expect((await readdir(join(directory, 'batch', 'journal')).catch(() => [])).filter((name) => name.endsWith('.submitting.json'))).toHaveLength(0)
  })
})
