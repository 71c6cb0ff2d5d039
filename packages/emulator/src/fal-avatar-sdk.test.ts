import { createFalClient, ValidationError, type FalClient } from '@fal-ai/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { falFetch } from './fal-fetch.js'
import { inspectMp4 } from './mp4-inspect.test-helpers.js'
import { download, rejection } from './sdk-calls.test-helpers.js'
import { startEmulator, type Emulator } from './start-emulator.js'
import { createTestPortrait, createTestWav } from './test-images.js'

const KEY = 'fal-key-id:fal-key-secret'
const ENDPOINTS = [
  { endpointId: 'fal-ai/kling-video/ai-avatar/v2/standard', appId: 'fal-ai/kling-video' },
  { endpointId: 'fal-ai/bytedance/omnihuman/v1.5', appId: 'fal-ai/bytedance' },
] as const

/** fal's talking-avatar endpoints, called with the real `@fal-ai/client` by base URL. */
describe("@fal-ai/client against the emulator's talking-avatar endpoints", () => {
  let emulator: Emulator
  let fal: FalClient
  let portrait: Blob
  const speech = (seconds: number) => new Blob([new Uint8Array(createTestWav(seconds))], { type: 'audio/wav' })

  beforeAll(async () => {
    emulator = await startEmulator({ seed: 5, jobDurationMs: 120, keys: { fal: [KEY] } })
    fal = createFalClient({ credentials: KEY, fetch: falFetch(emulator.baseUrl) })
    portrait = new Blob([new Uint8Array(await createTestPortrait({ width: 300, height: 400, format: 'jpeg' }))], { type: 'image/jpeg' })
  })
  afterAll(() => emulator.stop())

  it.each(ENDPOINTS)('$endpointId: submit, follow and fetch under $appId; a video as long as the speech, its duration reported, charged once', async ({ endpointId, appId }) => {
    const { request_id: requestId, status_url: statusUrl } = await fal.queue.submit(endpointId, { input: { image_url: portrait, audio_url: speech(1.5), prompt: 'A calm voice.' } })
    expect(statusUrl).toBe(`${emulator.baseUrl}/${appId}/requests/${requestId}/status`)
    await fal.queue.subscribeToStatus(endpointId, { requestId, pollInterval: 20 })
    const result = await fal.queue.result(endpointId, { requestId })
    const data = result.data as { video: { url: string; content_type: string }; duration: number }
    expect(data.video.content_type).toBe('video/mp4')
    expect(data.duration).toBeCloseTo(1.5, 1)
    expect(inspectMp4(await download(data.video.url)).durationSeconds).toBeCloseTo(1.5, 1)
    expect(emulator.ledger.charges({ requestId })).toHaveLength(1)
  })

  it("validates inputs like fal's schemas: missing media, a prompt that is not text, an unknown resolution", async () => {
    const error = await rejection(fal.subscribe('fal-ai/bytedance/omnihuman/v1.5', { input: { prompt: 3, resolution: '4k' } as never, pollInterval: 20 }))
    expect(error).toBeInstanceOf(ValidationError)
    const validation = error as ValidationError
    expect(validation.getFieldErrors('image_url')[0]).toMatchObject({ type: 'missing' })
    expect(validation.getFieldErrors('audio_url')[0]).toMatchObject({ type: 'missing' })
    expect(validation.getFieldErrors('prompt')[0]).toMatchObject({ type: 'string_type' })
    expect(validation.getFieldErrors('resolution')[0]).toMatchObject({ type: 'literal_error' })
  })

  it('refuses OmniHuman speech over 30 s at 1080p, uncharged, and takes it at 720p', async () => {
    const long = speech(31)
    const refused = await fal.queue.submit('fal-ai/bytedance/omnihuman/v1.5', { input: { image_url: portrait, audio_url: long } })
    await fal.queue.subscribeToStatus('fal-ai/bytedance/omnihuman/v1.5', { requestId: refused.request_id, pollInterval: 20 })
    const error = await rejection(fal.queue.result('fal-ai/bytedance/omnihuman/v1.5', { requestId: refused.request_id }))
    expect((error as ValidationError).getFieldErrors('audio_url')[0]).toMatchObject({ msg: 'Audio must be under 30s long for 1080p generation' })
    expect(emulator.ledger.charges({ requestId: refused.request_id })).toHaveLength(0)

    const taken = await fal.subscribe('fal-ai/bytedance/omnihuman/v1.5', { input: { image_url: portrait, audio_url: long, resolution: '720p' }, pollInterval: 20 })
    expect((taken.data as { duration: number }).duration).toBeCloseTo(31, 0)
    expect(emulator.ledger.charges({ requestId: taken.requestId })).toHaveLength(1)
  })
})
