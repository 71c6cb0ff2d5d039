import { readFile } from 'node:fs/promises'
import { probeMedia, type JobHandle } from '@portrait-animator/core'
import { expectAnimatorError, waitUntil } from '@portrait-animator/core/testing'
import { createFeaturelessImage, startEmulator, type Emulator, type EmulatorOptions } from '@portrait-animator/emulator'
import { afterEach, describe, expect, it } from 'vitest'
import { createReplicate } from './replicate-provider.js'

/*
 * End to end over loopback: the real `replicate` client and core's HTTP client against the
 * emulator, which speaks Replicate's predictions API, renders real MP4s and keeps a ledger.
 */

const PORTRAIT = new URL('../../../examples/assets/astronaut.png', import.meta.url).pathname
const TOKEN = 'r8_emulator_token_51c0'

let emulator: Emulator | undefined
afterEach(async () => {
  await emulator?.stop()
  emulator = undefined
})

async function start(options: EmulatorOptions = {}, apiKey = TOKEN) {
  emulator = await startEmulator({ seed: 9, jobDurationMs: 150, keys: { replicate: [TOKEN] }, ...options })
  return createReplicate({ apiKey, baseUrl: `${emulator.baseUrl}/v1`, pollIntervalMs: 20 })
}

function isMp4(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(4, 8)).toString('latin1') === 'ftyp'
}

describe('replicate/live-portrait against the emulator', () => {
  it('serves the live-photo preset with the bundled driving clip: an MP4 as long as the clip, charged once', async () => {
    const replicate = await start()
    const handles: JobHandle[] = []
    const result = await replicate.livePortrait().animate({ image: PORTRAIT, motion: { type: 'preset', preset: 'live-photo' } }, { onJobStarted: (handle) => void handles.push(handle) })
    const video = await result.output.bytes()
    expect(isMp4(video)).toBe(true)
    const clip = await readFile(new URL('../../adapter-fal/assets/live-photo-driving.mp4', import.meta.url))
    expect(probeMedia(video).durationSeconds).toBeCloseTo(probeMedia(new Uint8Array(clip)).durationSeconds!, 1)
    expect(result.warnings).toMatchObject([{ type: 'translated', setting: 'motion.preset' }])
    const id = handles[0]!.jobId
    expect(handles[0]).toMatchObject({ provider: 'replicate', modelId: 'live-portrait', jobId: id })
    expect(result.providerMetadata['replicate']).toMatchObject({ predictionId: id })
    expect(result.cost).toMatchObject({ basis: 'estimated', usd: expect.any(Number) })
    expect(emulator!.ledger.charges({ provider: 'replicate' })).toMatchObject([{ requestId: id, model: 'fofr/live-portrait' }])
    expect(emulator!.ledger.job(id)?.outcome).toBe('completed')
  })

  it('drives the portrait with a given video, started and then followed by handle with status()', async () => {
    const replicate = await start()
    const animator = replicate.livePortrait()
    const driver = await readFile(new URL('../../adapter-fal/assets/live-photo-driving.mp4', import.meta.url))
    const handle = await animator.start!({ image: PORTRAIT, motion: { type: 'driving-video', video: driver } })
    let status = await animator.status!(handle)
    await waitUntil(async () => (status = await animator.status!(handle)).state !== 'pending', { what: 'the prediction to finish' })
    expect(status.state).toBe('completed')
    if (status.state !== 'completed') return
    expect(isMp4(await status.result.output.bytes())).toBe(true)
    expect(emulator!.ledger.charges({ requestId: handle.jobId })).toHaveLength(1)
  })

  it('cancels the prediction when the caller aborts: cancelled, never charged', async () => {
    const replicate = await start({ jobDurationMs: 5000 })
    const controller = new AbortController()
    const started: JobHandle[] = []
    const running = replicate.livePortrait().animate(
      { image: PORTRAIT, motion: { type: 'preset', preset: 'live-photo' } },
      { signal: controller.signal, onJobStarted: (handle) => void started.push(handle) },
    )
    await waitUntil(() => started.length === 1, { what: 'the prediction to start' })
    controller.abort()
    const error = await expectAnimatorError(running)
    expect(error).toMatchObject({ kind: 'cancelled', provider: 'replicate', accepted: true })
    const id = started[0]!.jobId
    expect(emulator!.ledger.cancels({ requestId: id })).toHaveLength(1)
    expect(emulator!.ledger.charges({ requestId: id })).toHaveLength(0)
  })

  it('maps a featureless portrait to no_face, uncharged', async () => {
    const replicate = await start()
    const error = await expectAnimatorError(replicate.livePortrait().animate({ image: await createFeaturelessImage(), motion: { type: 'preset', preset: 'live-photo' } }))
    expect(error).toMatchObject({ kind: 'no_face', provider: 'replicate', accepted: true })
    expect(emulator!.ledger.charges({ provider: 'replicate' })).toHaveLength(0)
  })

  it('maps a refused token to auth and an empty balance to insufficient_credits, neither accepted', async () => {
    const stranger = await start({}, 'r8_not_accepted')
    const auth = await expectAnimatorError(stranger.livePortrait().animate({ image: PORTRAIT, motion: { type: 'preset', preset: 'live-photo' } }))
    expect(auth).toMatchObject({ kind: 'auth', statusCode: 401, accepted: false })
    expect(auth.message).not.toContain('r8_not_accepted')
    await emulator!.stop()
    const broke = await start({ credits: { replicate: 0 } })
    const credits = await expectAnimatorError(broke.livePortrait().animate({ image: PORTRAIT, motion: { type: 'preset', preset: 'live-photo' } }))
    expect(credits).toMatchObject({ kind: 'insufficient_credits', statusCode: 402, accepted: false })
    expect(emulator!.ledger.entries()).toHaveLength(0)
  })
})
