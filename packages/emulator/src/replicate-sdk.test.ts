import Replicate, { type Prediction } from 'replicate'
import { waitUntil } from '@portrait-animator/core/testing'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { inspectMp4 } from './mp4-inspect.test-helpers.js'
import { VideoRenderer, videoSpecFor } from './mp4-output.js'
import { startEmulator, type Emulator } from './start-emulator.js'
import { createFeaturelessImage, createTestPortrait } from './test-images.js'

const TOKEN = 'r8_test_token'
const VERSION = '067dd98cc3e5cb396c4a9efb4bba3eec6c4a9d271211325c477518fc6485e146'

function dataUri(bytes: Buffer, type: string): string {
  return `data:${type};base64,${bytes.toString('base64')}`
}

async function rejection(promise: Promise<unknown>): Promise<{ response: Response; message: string }> {
  try {
    await promise
  } catch (error) {
    return error as { response: Response; message: string }
  }
  throw new Error('expected a rejection')
}

describe('the replicate client against the emulator', () => {
  let emulator: Emulator
  let replicate: Replicate
  let input: { face_image: string; driving_video: string }

  // Inputs are data-URI strings, which every strategy passes through as they are. (replicate 1.4.0's
  // `fileEncodingStrategy: 'data-uri'` sends the client object as `input`: it calls
  // transformFileInputsToBase64EncodedDataURIs(client, inputs) on a function taking (inputs).)
  function client(baseUrl: string, auth = TOKEN): Replicate {
    return new Replicate({ auth, baseUrl: `${baseUrl}/v1` })
  }

  beforeAll(async () => {
    emulator = await startEmulator({ seed: 5, jobDurationMs: 120, keys: { replicate: [TOKEN] } })
    replicate = client(emulator.baseUrl)
    const portrait = await createTestPortrait({ width: 300, height: 400, format: 'jpeg' })
    const driver = await new VideoRenderer().render(videoSpecFor(1.5, 64, 64))
    input = { face_image: dataUri(portrait, 'image/jpeg'), driving_video: dataUri(driver, 'video/mp4') }
  })
  afterAll(() => emulator.stop())

  async function slowEmulator(): Promise<{ slow: Emulator; replicate: Replicate }> {
    const slow = await startEmulator({ seed: 6, jobDurationMs: 3000, keys: { replicate: [TOKEN] } })
    onTestFinished(() => slow.stop())
    return { slow, replicate: client(slow.baseUrl) }
  }

  it('creates a prediction by model, follows it to succeeded, and serves an MP4 as long as the driver; charged once', async () => {
    const created = await replicate.predictions.create({ model: 'fofr/live-portrait', input })
    expect(created).toMatchObject({ status: 'starting', model: 'fofr/live-portrait', version: VERSION, output: null, error: null })
    expect(created.urls.cancel).toBe(`${emulator.baseUrl}/v1/predictions/${created.id}/cancel`)
    const done = await replicate.wait(created, { interval: 20 })
    expect(done.status).toBe('succeeded')
    const output = done.output as string[]
    expect(output).toHaveLength(1)
    const response = await fetch(output[0]!)
    expect(response.headers.get('content-type')).toBe('video/mp4')
    expect(inspectMp4(Buffer.from(await response.arrayBuffer())).durationSeconds).toBeCloseTo(1.5, 1)
    expect(emulator.ledger.charges({ requestId: created.id })).toHaveLength(1)
    expect(emulator.ledger.job(created.id)?.outcome).toBe('completed')
  })

  it('uses at most video_frame_load_cap driving frames (default 128, 0 for all), as fofr/live-portrait does', async () => {
    const frames = inspectMp4(Buffer.from(input.driving_video.split(',')[1]!, 'base64')).sampleCount
    const cut = await replicate.predictions.create({ model: 'fofr/live-portrait', input: { ...input, video_frame_load_cap: Math.floor(frames / 3) }, wait: 5 })
    const all = await replicate.predictions.create({ model: 'fofr/live-portrait', input: { ...input, video_frame_load_cap: 0 }, wait: 5 })
    const seconds = async (prediction: Prediction) => inspectMp4(Buffer.from(await (await fetch((prediction.output as string[])[0]!)).arrayBuffer())).durationSeconds
    expect(await seconds(cut)).toBeCloseTo(1.5 * Math.floor(frames / 3) / frames, 1)
    expect(await seconds(all)).toBeCloseTo(1.5, 1)
  })

  it('creates by version and answers at the end with Prefer: wait', async () => {
    const done = await replicate.predictions.create({ version: VERSION, input, wait: 5 })
    expect(done.status).toBe('succeeded')
    expect(done.output).toHaveLength(1)
  })

  it('moves starting → processing → succeeded over jobDurationMs', async () => {
    const { slow, replicate } = await slowEmulator()
    const created = await replicate.predictions.create({ model: 'fofr/live-portrait', input })
    const seen = new Set<string>([created.status])
    let last: Prediction = created
    await waitUntil(
      async () => {
        last = await replicate.predictions.get(created.id)
        seen.add(last.status)
        return last.status === 'succeeded'
      },
      { what: 'the prediction to succeed', timeoutMs: 20_000 },
    )
    expect([...seen]).toEqual(['starting', 'processing', 'succeeded'])
    expect(slow.ledger.statusRequests(created.id)).toBeGreaterThanOrEqual(2)
  })

  it('cancels a running prediction: canceled, never charged', async () => {
    const { slow, replicate } = await slowEmulator()
    const created = await replicate.predictions.create({ model: 'fofr/live-portrait', input })
    const canceled = await replicate.predictions.cancel(created.id)
    expect(canceled.status).toBe('canceled')
    expect((await replicate.predictions.get(created.id)).status).toBe('canceled')
    expect(slow.ledger.cancels({ requestId: created.id })).toHaveLength(1)
    expect(slow.ledger.charges({ requestId: created.id })).toHaveLength(0)
    expect(slow.ledger.job(created.id)?.outcome).toBe('cancelled')
  })

  it('fails a featureless portrait with an error message, uncharged', async () => {
    const flat = dataUri(await createFeaturelessImage(), 'image/png')
    const done = await replicate.predictions.create({ model: 'fofr/live-portrait', input: { ...input, face_image: flat }, wait: 5 })
    expect(done).toMatchObject({ status: 'failed', output: null, error: expect.stringMatching(/face/i) })
    expect(emulator.ledger.charges({ requestId: done.id })).toHaveLength(0)
  })

  it('answers a bad token with 401, an unknown model with 404, a missing input with 422, an empty balance with 402', async () => {
    const stranger = await rejection(client(emulator.baseUrl, 'r8_other').predictions.create({ model: 'fofr/live-portrait', input }))
    expect(stranger.response.status).toBe(401)
    expect(stranger.message).not.toContain('r8_other')
    expect((await rejection(replicate.predictions.create({ model: 'nobody/nothing', input }))).response.status).toBe(404)
    const missing = await rejection(replicate.predictions.create({ model: 'fofr/live-portrait', input: { face_image: input.face_image } }))
    expect(missing.response.status).toBe(422)
    expect(missing.message).toContain('driving_video')
    const broke = await startEmulator({ credits: { replicate: 0 } })
    onTestFinished(() => broke.stop())
    const poor = await rejection(client(broke.baseUrl).predictions.create({ model: 'fofr/live-portrait', input }))
    expect(poor.response.status).toBe(402)
    expect(broke.ledger.entries()).toHaveLength(0)
  })
})
