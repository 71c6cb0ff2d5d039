import { ApiError, createFalClient, ValidationError, type FalClient, type QueueStatus } from '@fal-ai/client'
import sharp from 'sharp'
import { startWebhookReceiver, waitUntil } from '@portrait-animator/core/testing'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { falFetch } from './fal-fetch.js'
import { inspectMp4 } from './mp4-inspect.test-helpers.js'
import { VideoRenderer, videoSpecFor } from './mp4-output.js'
import { download, rejection } from './sdk-calls.test-helpers.js'
import { startEmulator, type Emulator } from './start-emulator.js'
import { createFeaturelessImage, createTestPortrait, createTestWav } from './test-images.js'
import { verifyFalWebhook, type JsonWebKeySet } from './webhook-signing.js'

const KEY = 'fal-key-id:fal-key-secret'

describe('@fal-ai/client against the emulator', () => {
  let emulator: Emulator
  let fal: FalClient
  let portrait: Blob

  beforeAll(async () => {
    emulator = await startEmulator({ seed: 3, jobDurationMs: 120, keys: { fal: [KEY] } })
    fal = createFalClient({ credentials: KEY, fetch: falFetch(emulator.baseUrl) })
    portrait = new Blob([new Uint8Array(await createTestPortrait({ width: 300, height: 400, format: 'jpeg' }))], { type: 'image/jpeg' })
  })
  afterAll(() => emulator.stop())

  /** An emulator whose jobs last 3 s, so a job is seen queued or running even on a busy machine. */
  async function slowEmulator(): Promise<{ slow: Emulator; fal: FalClient }> {
    const slow = await startEmulator({ seed: 4, jobDurationMs: 3000, keys: { fal: [KEY] } })
    onTestFinished(() => slow.stop())
    return { slow, fal: createFalClient({ credentials: KEY, fetch: falFetch(slow.baseUrl) }) }
  }

  it('uploads to storage and serves the file back from the emulator CDN', async () => {
    const bytes = await createTestPortrait({ format: 'png' })
    const url = await fal.storage.upload(new Blob([new Uint8Array(bytes)], { type: 'image/png' }))
    expect(url.startsWith(`${emulator.baseUrl}/__fal/cdn/`)).toBe(true)
    expect((await download(url)).equals(bytes)).toBe(true)
  })

  it('runs fal-ai/live-portrait/image end to end: submit, poll with logs, result, real PNG', async () => {
    const updates: QueueStatus[] = []
    const result = await fal.subscribe('fal-ai/live-portrait/image', {
      input: { image_url: await fal.storage.upload(portrait), smile: 1.5, blink: -10, output_format: 'png' },
      pollInterval: 20,
      logs: true,
      onQueueUpdate: (status) => updates.push(status),
    })
    expect(result.requestId).toMatch(/^[0-9a-f-]{36}$/)
    expect(updates.map((update) => update.status)).toContain('COMPLETED')
    expect(updates.some((update) => update.status === 'IN_PROGRESS' && update.logs.length > 0)).toBe(true)
    const image = result.data.image
    expect(image).toMatchObject({ content_type: 'image/png', width: 300, height: 400 })
    const metadata = await sharp(await download(image.url)).metadata()
    expect(metadata).toMatchObject({ format: 'png', width: 300, height: 400 })
    expect(emulator.ledger.charges({ requestId: result.requestId })).toHaveLength(1)
  })

  it('runs fal-ai/live-portrait with a driving video (Blobs auto-uploaded): the output lasts as long as the driver', async () => {
    const driver = await new VideoRenderer().render(videoSpecFor(1, 64, 64))
    const result = await fal.subscribe('fal-ai/live-portrait', {
      input: { image_url: portrait, video_url: new Blob([new Uint8Array(driver)], { type: 'video/mp4' }) },
      pollInterval: 20,
    })
    expect(result.data.video).toMatchObject({ content_type: 'video/mp4', file_name: 'output.mp4' })
    const summary = inspectMp4(await download(result.data.video.url))
    expect([summary.width, summary.height, summary.sampleCount]).toEqual([256, 256, 24])
    expect(summary.durationSeconds).toBeCloseTo(1, 1)
  })

  it('runs fal-ai/sadtalker with audio, using streaming status', async () => {
    const updates: string[] = []
    const result = await fal.subscribe('fal-ai/sadtalker', {
      input: { source_image_url: portrait, driven_audio_url: new Blob([new Uint8Array(createTestWav(1.5))], { type: 'audio/wav' }) },
      mode: 'streaming',
      onQueueUpdate: (status) => updates.push(status.status),
    })
    expect(updates.at(-1)).toBe('COMPLETED')
    const summary = inspectMp4(await download(result.data.video.url))
    expect(summary.durationSeconds).toBeCloseTo(1.5, 1)
    expect(summary.firstSampleNalTypes).toContain(5)
  })

  it('drives the queue by hand: submit, status, result, with status and result under the app id', async () => {
    const { slow, fal } = await slowEmulator()
    const { request_id: requestId } = await fal.queue.submit('fal-ai/live-portrait/image', { input: { image_url: await fal.storage.upload(portrait) } })
    const first = await fal.queue.status('fal-ai/live-portrait/image', { requestId })
    expect(['IN_QUEUE', 'IN_PROGRESS']).toContain(first.status)
    await expect(fal.queue.result('fal-ai/live-portrait/image', { requestId })).rejects.toMatchObject({ status: 400 })
    await fal.queue.subscribeToStatus('fal-ai/live-portrait/image', { requestId, pollInterval: 20 })
    const result = await fal.queue.result('fal-ai/live-portrait/image', { requestId })
    expect(result.data.image.content_type).toBe('image/jpeg')
    expect(slow.ledger.statusRequests(requestId)).toBeGreaterThanOrEqual(2)
  })

  it('cancels a running request: 202, no charge, and the result is an error', async () => {
    const { slow, fal } = await slowEmulator()
    const { request_id: requestId } = await fal.queue.submit('fal-ai/live-portrait/image', { input: { image_url: await fal.storage.upload(portrait) } })
    await fal.queue.cancel('fal-ai/live-portrait/image', { requestId })
    const status = await fal.queue.status('fal-ai/live-portrait/image', { requestId })
    expect(status.status).toBe('COMPLETED')
    const error = await rejection(fal.queue.result('fal-ai/live-portrait/image', { requestId }))
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ status: 499, body: { error_type: 'client_cancelled' } })
    expect(slow.ledger.cancels({ requestId })).toHaveLength(1)
    expect(slow.ledger.charges({ requestId })).toHaveLength(0)
    expect(slow.ledger.job(requestId)?.outcome).toBe('cancelled')
  })

  it('refuses to cancel a completed request with ALREADY_COMPLETED', async () => {
    const { requestId } = await fal.subscribe('fal-ai/live-portrait/image', { input: { image_url: await fal.storage.upload(portrait) }, pollInterval: 20 })
    const error = await rejection(fal.queue.cancel('fal-ai/live-portrait/image', { requestId }))
    expect(error).toMatchObject({ status: 400, body: { status: 'ALREADY_COMPLETED' } })
  })

  it('reports missing fields and out-of-range values as a ValidationError with fal field errors', async () => {
    const error = await rejection(fal.subscribe('fal-ai/live-portrait/image', { input: { smile: 3, wink: -1 } as never, pollInterval: 20 }))
    expect(error).toBeInstanceOf(ValidationError)
    const validation = error as ValidationError
    expect(validation.status).toBe(422)
    expect(validation.getFieldErrors('image_url')[0]).toMatchObject({ loc: ['body', 'image_url'], type: 'missing' })
    expect(validation.getFieldErrors('smile')[0]).toMatchObject({ type: 'less_than_equal', ctx: { le: 2 } })
    expect(validation.getFieldErrors('wink')[0]).toMatchObject({ type: 'greater_than_equal', ctx: { ge: 0 } })
  })

  it('fails a featureless portrait with face_detection_error, uncharged', async () => {
    const flat = new Blob([new Uint8Array(await createFeaturelessImage())], { type: 'image/png' })
    const submitted = await fal.queue.submit('fal-ai/sadtalker', {
      input: { source_image_url: flat, driven_audio_url: new Blob([new Uint8Array(createTestWav(1))], { type: 'audio/wav' }) },
    })
    await fal.queue.subscribeToStatus('fal-ai/sadtalker', { requestId: submitted.request_id, pollInterval: 20 })
    const error = await rejection(fal.queue.result('fal-ai/sadtalker', { requestId: submitted.request_id }))
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as ValidationError).getFieldErrors('source_image_url')[0]?.type).toBe('face_detection_error')
    expect(emulator.ledger.charges({ requestId: submitted.request_id })).toHaveLength(0)
    expect(emulator.ledger.job(submitted.request_id)).toMatchObject({ outcome: 'failed', errorCode: 'face_detection_error' })
  })

  it('rejects a key that is not accepted with 401', async () => {
    const stranger = createFalClient({ credentials: 'other:key', fetch: falFetch(emulator.baseUrl) })
    const error = await rejection(stranger.queue.submit('fal-ai/live-portrait/image', { input: { image_url: 'https://example.com/a.jpg' } }))
    expect(error).toMatchObject({ status: 401 })
  })

  it('delivers a signed webhook that verifies against the JWKS', async () => {
    const receiver = await startWebhookReceiver('/hook')
    const received = receiver.calls
    try {
      const webhookUrl = receiver.url
      const { request_id: requestId } = await fal.queue.submit('fal-ai/live-portrait/image', {
        input: { image_url: await fal.storage.upload(portrait) },
        webhookUrl,
      })
      // The ledger records the delivery once the receiver has answered, after `received` has it.
      await waitUntil(() => emulator.ledger.job(requestId)?.webhookDeliveries.length === 1, { what: 'the webhook delivery in the ledger' })
      expect(received).toHaveLength(1)
      const delivery = received[0]!
      const jwks = (await (await falFetch(emulator.baseUrl)('https://rest.alpha.fal.ai/.well-known/jwks.json')).json()) as JsonWebKeySet
      expect(verifyFalWebhook({ headers: delivery.headers, body: delivery.body, jwks })).toBe(true)
      expect(verifyFalWebhook({ headers: delivery.headers, body: `${delivery.body} `, jwks })).toBe(false)
      expect(JSON.parse(delivery.body)).toMatchObject({ request_id: requestId, status: 'OK', payload: { image: { url: expect.any(String) } } })
      expect(delivery.headers['x-fal-webhook-request-id']).toBe(requestId)
      expect(emulator.ledger.job(requestId)?.webhookDeliveries).toMatchObject([{ attempt: 1, status: 200 }])
    } finally {
      await receiver.close()
    }
  })
})
