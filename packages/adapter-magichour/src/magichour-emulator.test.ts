import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PortraitAnimatorError, probeMedia, type JobHandle } from '@portrait-animator/core'
import { createFeaturelessImage, startEmulator, type Emulator, type EmulatorOptions } from '@portrait-animator/emulator'
import { startWebhookReceiver, waitUntil } from '@portrait-animator/core/testing'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createMagicHour } from './magichour-provider.js'
import { verifyMagicHourWebhook, type MagicHourWebhookEvent } from './magichour-webhook.js'

/*
 * End to end over real loopback sockets: the real `magic-hour` SDK (node-fetch) and core's undici
 * client against the emulator, which speaks Magic Hour's wire protocol, renders real MP4s and keeps
 * a ledger of submissions, charges, refunds and cancels.
 */

const PORTRAIT = new URL('../../../examples/assets/astronaut.png', import.meta.url).pathname
const SPEECH = new URL('../../../examples/assets/hello.wav', import.meta.url).pathname
const API_KEY = 'mh_emulator_key_4e2a9d'

let emulator: Emulator | undefined
afterEach(async () => {
  await emulator?.stop()
  emulator = undefined
})

async function start(options: EmulatorOptions = {}) {
  emulator = await startEmulator({ seed: 7, jobDurationMs: 200, ...options })
  return createMagicHour({ apiKey: API_KEY, baseUrl: emulator.baseUrl, pollIntervalMs: 25 })
}

function isMp4(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(4, 8)).toString('latin1') === 'ftyp'
}

describe('Magic Hour against the emulator', () => {
  it('makes the sample portrait speak the sample clip', async () => {
    const magicHour = await start()
    const speechSeconds = probeMedia(new Uint8Array(await readFile(SPEECH))).durationSeconds!
    const handles: JobHandle[] = []
    const result = await magicHour.talkingPhoto().animate(
      { image: PORTRAIT, motion: { type: 'audio', audio: SPEECH } },
      { onJobStarted: (handle) => void handles.push(handle) },
    )
    const folder = await mkdtemp(join(tmpdir(), 'mh-e2e-'))
    const saved = await result.output.save(join(folder, 'astronaut-talking.mp4'))
    const video = new Uint8Array(await readFile(saved.path))
    expect(isMp4(video)).toBe(true)
    expect(saved.bytes).toBe(video.byteLength)

    const projectId = handles[0]!.jobId
    const ledger = emulator!.ledger
    expect(ledger.submissions({ provider: 'magichour' })).toMatchObject([{ requestId: projectId, model: 'ai-talking-photo' }])
    const charged = ledger.netCredits({ provider: 'magichour' })
    expect(result.cost).toEqual(expect.objectContaining({ credits: charged, basis: 'charged' }))
    expect(result.output.durationSeconds).toBeCloseTo(speechSeconds, 2)
    expect(result.providerMetadata['magichour']).toMatchObject({ projectId, projectType: 'TALKING_PHOTO' })
    expect(ledger.job(projectId)).toMatchObject({ outcome: 'completed', account: ledger.accountOf(API_KEY) })
  })

  it('serves the live-photo preset through image-to-video, with a generative warning', async () => {
    const magicHour = await start()
    const result = await magicHour.imageToVideo().animate({ image: PORTRAIT, motion: { type: 'preset', preset: 'live-photo' } })
    expect(isMp4(await result.output.bytes())).toBe(true)
    expect(result.warnings.map((warning) => warning.type)).toEqual(['generative'])
    expect(result.output.durationSeconds).toBe(5)
    expect(result.cost).toMatchObject({ credits: 300, basis: 'charged' })
    expect(emulator!.ledger.submissions({ provider: 'magichour' })).toMatchObject([{ model: 'image-to-video' }])
  })

  it('reports an error project (no face) as no_face, and the emulator refunds it', async () => {
    const magicHour = await start()
    const blank = await createFeaturelessImage()
    const error = await magicHour
      .talkingPhoto()
      .animate({ image: blank, motion: { type: 'audio', audio: SPEECH, endSeconds: 2 } })
      .catch((caught: unknown) => caught)
    expect(PortraitAnimatorError.isInstance(error)).toBe(true)
    expect(error).toMatchObject({ kind: 'no_face', providerCode: 'no_source_face', accepted: true, retryable: false })
    const ledger = emulator!.ledger
    expect(ledger.jobs({ provider: 'magichour' })).toMatchObject([{ outcome: 'failed', errorCode: 'no_source_face' }])
    expect(ledger.netCredits({ provider: 'magichour' })).toBe(0)
  })

  it('fails with insufficient_credits, not accepted, when the credits are exhausted', async () => {
    const magicHour = await start({ credits: { magichour: 100 } })
    const error = await magicHour
      .talkingPhoto()
      .animate({ image: PORTRAIT, motion: { type: 'audio', audio: SPEECH } })
      .catch((caught: unknown) => caught)
    expect(error).toMatchObject({ kind: 'insufficient_credits', statusCode: 402, accepted: false, retryable: false })
    expect(emulator!.ledger.submissions({ provider: 'magichour' })).toEqual([])
  })

  it('cancels the project when the caller aborts while it renders', async () => {
    const magicHour = await start({ jobDurationMs: 60_000 })
    const controller = new AbortController()
    let projectId: string | undefined
    const animation = magicHour.imageToVideo().animate(
      { image: PORTRAIT, motion: { type: 'preset', preset: 'live-photo' } },
      {
        signal: controller.signal,
        onProgress: (event) => {
          if (event.phase === 'running' || event.phase === 'queued') controller.abort()
        },
        onJobStarted: (handle) => {
          projectId = handle.jobId
        },
      },
    )
    await expect(animation).rejects.toMatchObject({ kind: 'cancelled', accepted: true })
    const ledger = emulator!.ledger
    expect(ledger.cancels({ requestId: projectId! })).toHaveLength(1)
    expect(ledger.job(projectId!)).toMatchObject({ outcome: 'cancelled' })
    expect(ledger.netCredits({ provider: 'magichour' })).toBe(0)
  })

  it('resumes a journaled job from its JSON handle in a fresh adapter', async () => {
    const magicHour = await start()
    const handle = await magicHour.talkingPhoto().start({ image: PORTRAIT, motion: { type: 'audio', audio: SPEECH, endSeconds: 1.5 } })
    const journaled = JSON.parse(JSON.stringify(handle)) as JobHandle
    const fresh = createMagicHour({ apiKey: API_KEY, baseUrl: emulator!.baseUrl }).talkingPhoto()
    const status = await waitUntil(
      async () => {
        const current = await fresh.status!(journaled)
        return current.state === 'pending' ? undefined : current
      },
      { intervalMs: 25, what: 'the job to finish' },
    )
    expect(status.state).toBe('completed')
    if (status.state === 'completed') expect(isMp4(await status.result.output.bytes())).toBe(true)
    expect(emulator!.ledger.submissions({ provider: 'magichour' })).toHaveLength(1)
  })

  it('gets a fresh download URL when the one it holds has expired', async () => {
    const ttlMs = 60_000
    const magicHour = await start({ magichour: { downloadUrlTtlMs: ttlMs } })
    const result = await magicHour.imageToVideo().animate({ image: PORTRAIT, motion: { type: 'preset', preset: 'live-photo' } })
    const projectId = String(result.providerMetadata['magichour']!['projectId'])
    const pollsBefore = emulator!.ledger.statusRequests(projectId)
    // The clock, not a sleep, moves past the expiry: a busy machine cannot make the fresh URL expire too.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + ttlMs + 1_000 })
    try {
      expect(isMp4(await result.output.bytes())).toBe(true)
    } finally {
      vi.useRealTimers()
    }
    expect(emulator!.ledger.statusRequests(projectId)).toBe(pollsBefore + 1)
  })

  it('retries the download with a fresh URL when storage answers 403', async () => {
    const magicHour = await start({ faults: [{ route: 'magichour.download', sequence: [403, 'pass'] }] })
    const result = await magicHour.imageToVideo().animate({ image: PORTRAIT, motion: { type: 'preset', preset: 'live-photo' } })
    expect(isMp4(await result.output.bytes())).toBe(true)
  })

  it('never pays twice: a refused create is not accepted, a lost answer is unknown', async () => {
    await start({ faults: [{ route: 'magichour.create', sequence: [503, { reset: true, processed: true }] }] })
    // A short request timeout: node-fetch cannot see a reset mid-body, so the adapter's own bound ends
    // the wait. Not too short: on a busy machine the answers that do come must beat it.
    const magicHour = createMagicHour({ apiKey: API_KEY, baseUrl: emulator!.baseUrl, pollIntervalMs: 25, requestTimeoutMs: 2_000 })
    const request = { image: PORTRAIT, motion: { type: 'preset' as const, preset: 'live-photo' as const } }
    await expect(magicHour.imageToVideo().animate(request)).rejects.toMatchObject({ kind: 'unavailable', statusCode: 503, accepted: false })
    expect(emulator!.ledger.submissions({ provider: 'magichour' })).toHaveLength(0)
    // The project was created but its answer was lost: acceptance is unknown, so a router will not resubmit blindly.
    await expect(magicHour.imageToVideo().animate(request)).rejects.toMatchObject({ kind: 'timeout', retryable: true, accepted: 'unknown' })
    expect(emulator!.ledger.submissions({ provider: 'magichour' })).toHaveLength(1)
  })

  it('verifies the webhooks the emulator signs', async () => {
    const receiver = await startWebhookReceiver('/hooks/magichour')
    const received = receiver.calls
    try {
      const secret = 'whsec_emulator_5a1b'
      const url = receiver.url
      const magicHour = await start({ magichour: { webhook: { url, secret } } })
      const result = await magicHour.imageToVideo().animate({ image: PORTRAIT, motion: { type: 'preset', preset: 'live-photo' } })
      const projectId = result.providerMetadata['magichour']!['projectId']
      // The two deliveries are independent requests: under load video.completed can arrive first.
      const arrived = (type: string) => received.some((delivery) => delivery.body.includes(type))
      await waitUntil(() => arrived('video.started') && arrived('video.completed'), { what: 'the video.started and video.completed webhooks' })
      const events: MagicHourWebhookEvent[] = received.map((delivery) => verifyMagicHourWebhook(delivery.headers, delivery.bytes, { secret }))
      expect(events.map((event) => event.type).sort()).toEqual(['video.completed', 'video.started'])
      expect(events.every((event) => event.payload.id === projectId)).toBe(true)
      expect(() => verifyMagicHourWebhook(received[0]!.headers, received[0]!.bytes, { secret: 'whsec_wrong_secret' })).toThrow(/rejected/)
    } finally {
      await receiver.close()
    }
  })
})
