import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ProgressEvent } from '@portrait-animator/core'
import { createFeaturelessImage, createTestPortrait, startEmulator, type Emulator } from '@portrait-animator/emulator'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createFal, createFalJwksCache, verifyFalWebhook, type FalSettings } from '../src/index.js'
import { startWebhookReceiver, waitUntil } from '@portrait-animator/core/testing'

const KEY = 'e2e-key-id:e2e-key-secret'
const ASTRONAUT = fileURLToPath(new URL('../../../examples/assets/astronaut.png', import.meta.url))
const HELLO_WAV = fileURLToPath(new URL('../../../examples/assets/hello.wav', import.meta.url))
const DRIVING_CLIP = fileURLToPath(new URL('../assets/live-photo-driving.mp4', import.meta.url))

let emulator: Emulator
let folder: string

beforeAll(async () => {
  emulator = await startEmulator({ seed: 11, jobDurationMs: 250, keys: { fal: [KEY] } })
  folder = await mkdtemp(join(tmpdir(), 'adapter-fal-e2e-'))
})
afterAll(async () => {
  await emulator.stop()
  await rm(folder, { recursive: true, force: true })
})
afterEach(() => {
  emulator.setFaults([])
})

function fal(settings: FalSettings = {}) {
  return createFal({ apiKey: KEY, baseUrl: emulator.baseUrl, ...settings })
}

function isMp4(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(4, 8)).toString('latin1') === 'ftyp'
}

describe('adapter-fal against the emulator', () => {
  it('live-portrait: the live-photo preset of a local file, with progress, charged once', async () => {
    const events: ProgressEvent[] = []
    const result = await fal().livePortrait().animate({ image: ASTRONAUT, motion: { type: 'preset', preset: 'live-photo' } }, { onProgress: (event) => events.push(event) })

    const saved = await result.output.save(join(folder, 'live-photo.mp4'))
    expect(isMp4(await readFile(saved.path))).toBe(true)
    expect(result.output.url?.startsWith(emulator.baseUrl)).toBe(true)
    expect(result.warnings).toEqual([expect.objectContaining({ type: 'translated', setting: 'motion.preset' })])
    const phases = events.map((event) => event.phase)
    expect(phases.slice(0, 3)).toEqual(['validating', 'uploading', 'uploading'])
    expect(phases).toContain('running')
    expect(phases.at(-1)).toBe('completed')

    const requestId = String(result.providerMetadata.fal?.requestId)
    expect(emulator.ledger.submissions({ requestId })).toHaveLength(1)
    expect(emulator.ledger.charges({ requestId })).toHaveLength(1)
    const job = emulator.ledger.job(requestId)
    expect(job?.outcome).toBe('completed')
  })

  it('live-portrait: a driving video given as bytes', async () => {
    const result = await fal().livePortrait().animate({ image: await createTestPortrait(), motion: { type: 'driving-video', video: new Uint8Array(await readFile(DRIVING_CLIP)) } })
    expect(isMp4(await result.output.bytes())).toBe(true)
    expect(result.warnings).toEqual([])
  })

  it('live-portrait-image: an expression onto a still, as PNG', async () => {
    const result = await fal().livePortraitImage().animate({ image: ASTRONAUT, motion: { type: 'expression', smile: 0.6, blink: 0.3, yaw: 8 }, output: { format: 'png' } })
    expect(result.output).toMatchObject({ kind: 'image', format: 'png', mimeType: 'image/png' })
    const bytes = await result.output.bytes()
    expect(Buffer.from(bytes.subarray(1, 4)).toString('latin1')).toBe('PNG')
  })

  it('sadtalker: a local portrait and a local WAV', async () => {
    const result = await fal({ statusMode: 'polling' }).sadTalker().animate({ image: ASTRONAUT, motion: { type: 'audio', audio: HELLO_WAV } })
    const saved = await result.output.save(join(folder, 'talk.mp4'))
    expect(saved.bytes).toBeGreaterThan(1000)
    expect(isMp4(await readFile(saved.path))).toBe(true)
  })

  it('passes URL inputs through when private networks are allowed', async () => {
    const first = await fal().livePortraitImage().animate({ image: ASTRONAUT, motion: { type: 'expression', smile: 0.5 } })
    const url = first.output.url ?? ''
    const strict = fal().livePortraitImage()
    await expect(strict.animate({ image: url, motion: { type: 'expression', smile: 0.5 } })).rejects.toMatchObject({ kind: 'invalid_input', rule: 'private-address' })
    const result = await fal({ allowPrivateNetwork: true }).livePortraitImage().animate({ image: url, motion: { type: 'expression', smile: -0.5 } })
    expect(result.output.kind).toBe('image')
  })

  it('an abort cancels the remote request, and the ledger records the cancel and no charge', async () => {
    const slow = await startEmulator({ seed: 12, jobDurationMs: 20_000, keys: { fal: [KEY] } })
    try {
      const controller = new AbortController()
      const animator = createFal({ apiKey: KEY, baseUrl: slow.baseUrl }).livePortraitImage()
      let requestId = ''
      const pending = animator.animate(
        { image: ASTRONAUT, motion: { type: 'expression', smile: 0.5 } },
        {
          signal: controller.signal,
          onJobStarted: (handle) => {
            requestId = handle.jobId
          },
          onProgress: (event) => {
            if (event.phase === 'queued' || event.phase === 'running') controller.abort()
          },
        },
      )
      await expect(pending).rejects.toMatchObject({ kind: 'cancelled', accepted: true })
      expect(slow.ledger.cancels({ requestId })).toHaveLength(1)
      expect(slow.ledger.charges({ requestId })).toHaveLength(0)
    } finally {
      await slow.stop()
    }
  })

  it('a deadline cancels the remote request and fails with timeout', async () => {
    const slow = await startEmulator({ seed: 13, jobDurationMs: 20_000, keys: { fal: [KEY] } })
    try {
      const animator = createFal({ apiKey: KEY, baseUrl: slow.baseUrl, statusMode: 'polling' }).sadTalker()
      await expect(animator.animate({ image: ASTRONAUT, motion: { type: 'audio', audio: HELLO_WAV } }, { timeoutMs: 1_500 })).rejects.toMatchObject({ kind: 'timeout', accepted: true })
      expect(slow.ledger.cancels({ provider: 'fal' })).toHaveLength(1)
    } finally {
      await slow.stop()
    }
  })

  it('a 5xx on a status poll is retried, and the job is submitted and charged once', async () => {
    emulator.setFaults([{ route: 'fal.status', sequence: [503, 'pass'] }])
    const statusAnswers: number[] = []
    const countingFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init)
      if (String(input).includes('/status')) statusAnswers.push(response.status)
      return response
    }
    const result = await fal({ statusMode: 'polling', fetch: countingFetch }).livePortraitImage().animate({ image: ASTRONAUT, motion: { type: 'expression', smile: 0.4 } })
    const requestId = String(result.providerMetadata.fal?.requestId)
    expect(statusAnswers[0]).toBe(503)
    expect(statusAnswers.at(-1)).toBe(200)
    expect(emulator.ledger.submissions({ requestId })).toHaveLength(1)
    expect(emulator.ledger.charges({ requestId })).toHaveLength(1)
  })

  it('a 5xx on submit is not resent: accepted is false, so a caller may safely submit again', async () => {
    emulator.setFaults([{ route: 'fal.submit', sequence: [503] }])
    const animator = fal().livePortraitImage()
    const before = emulator.ledger.submissions({ provider: 'fal' }).length
    await expect(animator.animate({ image: ASTRONAUT, motion: { type: 'expression', smile: 0.4 } })).rejects.toMatchObject({
      kind: 'unavailable',
      accepted: false,
      retryable: true,
      providerCode: 'runner_scheduling_failure',
    })
    expect(emulator.ledger.submissions({ provider: 'fal' })).toHaveLength(before)
    const result = await animator.animate({ image: ASTRONAUT, motion: { type: 'expression', smile: 0.4 } })
    expect(emulator.ledger.charges({ requestId: String(result.providerMetadata.fal?.requestId) })).toHaveLength(1)
  })

  it('a connection reset after the submit was processed leaves acceptance unknown', async () => {
    emulator.setFaults([{ route: 'fal.submit', sequence: [{ reset: true }] }])
    const before = emulator.ledger.submissions({ provider: 'fal' }).length
    await expect(fal().livePortraitImage().animate({ image: ASTRONAUT, motion: { type: 'expression', smile: 0.4 } })).rejects.toMatchObject({ kind: 'unavailable', accepted: 'unknown' })
    // The emulator took the job, and the adapter did not send it a second time.
    expect(emulator.ledger.submissions({ provider: 'fal' })).toHaveLength(before + 1)
  })

  it('a faceless portrait fails the job with no_face', async () => {
    await expect(fal().livePortraitImage().animate({ image: await createFeaturelessImage(), motion: { type: 'expression', smile: 0.4 } })).rejects.toMatchObject({
      kind: 'no_face',
      accepted: true,
      providerCode: 'face_detection_error',
    })
  })

  it('a key the emulator does not accept is auth, before anything is charged', async () => {
    await expect(
      createFal({ apiKey: 'wrong-id:wrong-secret', baseUrl: emulator.baseUrl }).livePortraitImage().animate({ image: 'https://93.184.216.34/p.png', motion: { type: 'expression', smile: 0.4 } }),
    ).rejects.toMatchObject({ kind: 'auth', accepted: false, statusCode: 401 })
  })

  it('start in one process, status in another: a journaled handle finishes the job', async () => {
    const handle = JSON.parse(JSON.stringify(await fal().livePortraitImage().start!({ image: ASTRONAUT, motion: { type: 'expression', wink: 0.5 } })))
    const animator = fal().livePortraitImage()
    const status = await waitUntil(
      async () => {
        const current = await animator.status!(handle)
        return current.state === 'pending' ? undefined : current
      },
      { intervalMs: 100, what: 'the job to finish' },
    )
    expect(status.state).toBe('completed')
    if (status.state === 'completed') expect((await status.result.output.bytes()).byteLength).toBeGreaterThan(100)
    expect(emulator.ledger.submissions({ requestId: handle.jobId })).toHaveLength(1)
  })

  it('calls the webhook, whose signature verifies with the published keys', async () => {
    const receiver = await startWebhookReceiver('/fal-done')
    const deliveries = receiver.calls
    try {
      const webhookUrl = receiver.url
      const result = await fal({ webhookUrl }).livePortraitImage().animate({ image: ASTRONAUT, motion: { type: 'expression', smile: 0.4 } })
      const requestId = String(result.providerMetadata.fal?.requestId)
      await waitUntil(() => deliveries.length === 1, { what: 'the webhook delivery' })
      const jwks = await createFalJwksCache({ url: `${emulator.baseUrl}/.well-known/jwks.json` }).get()
      const delivery = deliveries[0]!
      const verified = verifyFalWebhook(delivery.headers, delivery.bytes, { jwks })
      expect(verified).toMatchObject({ requestId, delivery: { status: 'OK', request_id: requestId } })
      expect(() => verifyFalWebhook(delivery.headers, Buffer.concat([delivery.bytes, Buffer.from(' ')]), { jwks })).toThrow(expect.objectContaining({ kind: 'auth' }))
    } finally {
      await receiver.close()
    }
  })
})
