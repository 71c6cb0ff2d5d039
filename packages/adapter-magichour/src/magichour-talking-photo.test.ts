import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PortraitAnimatorError, probeMedia, type JobHandle, type ProgressEvent } from '@portrait-animator/core'
import { TINY_MP4 } from '@portrait-animator/core/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createMagicHour } from './magichour-provider.js'
import { projectReply, startTestServer, type TestServer } from './magichour-test-server.test-helpers.js'
import { createTestWav } from '@portrait-animator/emulator'

const PORTRAIT = new URL('../../../examples/assets/astronaut.png', import.meta.url)
const SPEECH = new URL('../../../examples/assets/hello.wav', import.meta.url)
const API_KEY = 'mh_test_key_5f3a9c1e7b2d'

let server: TestServer
let speech: Uint8Array
let portrait: Uint8Array
let speechSeconds: number

beforeEach(async () => {
  server = await startTestServer()
  speech = new Uint8Array(await readFile(SPEECH))
  portrait = new Uint8Array(await readFile(PORTRAIT))
  speechSeconds = probeMedia(speech).durationSeconds!
})
afterEach(async () => server.close())

function animator(extra: Record<string, unknown> = {}) {
  return createMagicHour({ apiKey: API_KEY, baseUrl: server.baseUrl, pollIntervalMs: 20, ...extra }).talkingPhoto()
}

/** Scripts a whole successful run: upload URLs, two PUT targets, create, two polls, a download. */
function scriptSuccess(projectId = 'cm0talk1') {
  server.on('POST', '/v1/files/upload-urls', {
    status: 200,
    json: {
      items: [
        { upload_url: `${server.baseUrl}/upload/portrait.png?sig=abc`, file_path: 'api-assets/u1/portrait.png', expires_at: '2099-01-01T00:00:00Z' },
        { upload_url: `${server.baseUrl}/upload/speech.wav?sig=def`, file_path: 'api-assets/u1/speech.wav', expires_at: '2099-01-01T00:00:00Z' },
      ],
    },
  })
  server.on('PUT', '/upload/portrait.png', { status: 200 })
  server.on('PUT', '/upload/speech.wav', { status: 200 })
  // The live API may drop the deprecated `estimated_frame_cost`: not sent here on purpose.
  server.on('POST', '/v1/ai-talking-photo', { status: 200, json: { id: projectId, credits_charged: 240 } })
  server.on('GET', `/v1/video-projects/${projectId}`, [
    projectReply(projectId, 'queued'),
    projectReply(projectId, 'rendering'),
    projectReply(projectId, 'complete', {
      credits_charged: 231,
      end_seconds: speechSeconds,
      downloads: [{ url: `${server.baseUrl}/cdn/${projectId}/output.mp4`, expires_at: '2099-01-01T00:00:00Z' }],
    }),
  ])
  server.on('GET', `/cdn/${projectId}/output.mp4`, { status: 200, body: Buffer.from(TINY_MP4), headers: { 'content-type': 'video/mp4' } })
}

describe('talking photo over the wire', () => {
  it('uploads both inputs, creates the project with the exact body, polls it and downloads the video', async () => {
    scriptSuccess()
    const events: ProgressEvent[] = []
    let journaled: JobHandle | undefined
    let requestsWhenJournaled = -1
    const result = await animator().animate(
      {
        image: PORTRAIT.pathname,
        motion: { type: 'audio', audio: speech },
        providerOptions: { magichour: { style: { generationMode: 'expressive', intensity: 1.2 }, name: 'Greeting' } },
      },
      {
        onProgress: (event) => events.push(event),
        onJobStarted: (handle) => {
          journaled = handle
          requestsWhenJournaled = server.requests.length
        },
      },
    )

    const [uploadUrls, put1, put2, create, ...polls] = server.requests
    // 1. One upload-urls call for both files: type and the DETECTED format's extension.
    expect(uploadUrls).toMatchObject({ method: 'POST', path: '/v1/files/upload-urls' })
    expect(uploadUrls!.json).toEqual({ items: [{ extension: 'png', type: 'image' }, { extension: 'wav', type: 'audio' }] })
    expect(uploadUrls!.headers).toMatchObject({
      authorization: `Bearer ${API_KEY}`,
      'content-type': 'application/json',
      'x-sideko-sdk-language': 'Javascript',
      'x-sideko-runtime': 'node',
    })
    // 2. Raw bytes PUT to each pre-signed URL, never with the key.
    const puts = [put1!, put2!].sort((a, b) => a.path.localeCompare(b.path))
    expect(puts.map((put) => [put.method, put.path])).toEqual([
      ['PUT', '/upload/portrait.png?sig=abc'],
      ['PUT', '/upload/speech.wav?sig=def'],
    ])
    expect(Buffer.compare(puts[0]!.body, Buffer.from(portrait))).toBe(0)
    expect(Buffer.compare(puts[1]!.body, Buffer.from(speech))).toBe(0)
    for (const put of puts) expect(put.headers.authorization).toBeUndefined()
    // 3. The create call, snake_case, exactly.
    expect(create).toMatchObject({ method: 'POST', path: '/v1/ai-talking-photo' })
    expect(create!.headers.authorization).toBe(`Bearer ${API_KEY}`)
    expect(create!.json).toEqual({
      assets: { audio_file_path: 'api-assets/u1/speech.wav', image_file_path: 'api-assets/u1/portrait.png' },
      start_seconds: 0,
      end_seconds: speechSeconds,
      name: 'Greeting',
      style: { generation_mode: 'expressive', intensity: 1.2 },
    })
    // 4. The handle was journaled after the create call and before the first poll.
    expect(requestsWhenJournaled).toBe(4)
    expect(JSON.parse(JSON.stringify(journaled))).toEqual(journaled)
    expect(journaled).toMatchObject({ specificationVersion: 'v1', provider: 'magichour', modelId: 'talking-photo', jobId: 'cm0talk1' })
    expect(polls.map((poll) => `${poll.method} ${poll.path}`)).toEqual(Array(3).fill('GET /v1/video-projects/cm0talk1'))

    expect(result.servedBy).toEqual({ provider: 'magichour', modelId: 'talking-photo', target: 'magichour/talking-photo' })
    expect(result.cost).toMatchObject({ credits: 231, basis: 'charged' })
    expect(result.cost?.usd).toBeCloseTo(231 * 0.0025, 6)
    expect(result.providerMetadata).toEqual({ magichour: { requestId: 'cm0talk1', projectId: 'cm0talk1', projectType: 'TALKING_PHOTO', creditsCharged: 231 } })
    expect(result.attempts).toMatchObject([{ target: 'magichour/talking-photo', outcome: 'succeeded', attempt: 1, accepted: true }])
    expect(result.warnings).toEqual([])
    expect(result.output).toMatchObject({ kind: 'video', format: 'mp4', mimeType: 'video/mp4', width: 512, height: 512, fps: 25 })
    expect(result.output.durationSeconds).toBeCloseTo(speechSeconds, 5)
    expect(result.timings.totalMs).toBeGreaterThanOrEqual(0)
    expect(result.timings.queuedMs).toBeGreaterThanOrEqual(0)
    expect(events.map((event) => event.phase)).toEqual(['validating', 'uploading', 'submitting', 'queued', 'running', 'completed'])
    expect(events.every((event) => event.target === 'magichour/talking-photo')).toBe(true)

    // Nothing downloaded yet; save() fetches the CDN URL without the key and writes atomically.
    expect(server.calls('GET', '/cdn/cm0talk1/output.mp4')).toHaveLength(0)
    const folder = await mkdtemp(join(tmpdir(), 'mh-talk-'))
    const saved = await result.output.save(join(folder, 'talk.mp4'))
    expect(await readFile(saved.path)).toEqual(Buffer.from(TINY_MP4))
    const download = server.calls('GET', '/cdn/cm0talk1/output.mp4')
    expect(download).toHaveLength(1)
    expect(download[0]!.headers.authorization).toBeUndefined()
  })

  it('sends startSeconds/endSeconds and maps output.maxSide to max_resolution through the SDK transport', async () => {
    scriptSuccess('cm0talk2')
    await animator().animate({ image: portrait, motion: { type: 'audio', audio: new Blob([speech as Uint8Array<ArrayBuffer>]), startSeconds: 1, endSeconds: 3.5 }, output: { maxSide: 720 } })
    const create = server.calls('POST', '/v1/ai-talking-photo')[0]!
    expect(create.json).toEqual({
      assets: { audio_file_path: 'api-assets/u1/speech.wav', image_file_path: 'api-assets/u1/portrait.png' },
      start_seconds: 1,
      end_seconds: 3.5,
      max_resolution: 720,
    })
    // Same SDK transport as the resource method: same auth and SDK headers.
    expect(create.headers).toMatchObject({ authorization: `Bearer ${API_KEY}`, 'x-sideko-sdk-language': 'Javascript', 'content-type': 'application/json' })
  })

  it('passes public URLs through without uploading them', async () => {
    server.on('POST', '/v1/ai-talking-photo', { status: 200, json: { id: 'cm0url', credits_charged: 10 } })
    server.on('GET', '/v1/video-projects/cm0url', projectReply('cm0url', 'complete', { downloads: [{ url: `${server.baseUrl}/cdn/x.mp4` }] }))
    await animator().animate({
      image: 'https://93.184.216.34/people/portrait.jpg?v=2',
      motion: { type: 'audio', audio: new URL('https://93.184.216.34/speech/hello.mp3'), endSeconds: 2 },
    })
    expect(server.calls('POST', '/v1/files/upload-urls')).toHaveLength(0)
    expect(server.calls('POST', '/v1/ai-talking-photo')[0]!.json).toEqual({
      assets: { audio_file_path: 'https://93.184.216.34/speech/hello.mp3', image_file_path: 'https://93.184.216.34/people/portrait.jpg?v=2' },
      start_seconds: 0,
      end_seconds: 2,
    })
  })

  it('warns that intensity does nothing outside expressive mode, and strict mode refuses it before any call', async () => {
    scriptSuccess('cm0warn')
    const request = { image: portrait, motion: { type: 'audio' as const, audio: speech }, providerOptions: { magichour: { style: { intensity: 1.5 } } } }
    const result = await animator().animate(request)
    expect(result.warnings).toEqual([
      expect.objectContaining({ type: 'unsupported', setting: 'providerOptions.magichour.style.intensity', provider: 'magichour' }),
    ])
    const before = server.requests.length
    const error = await animator().animate({ ...request, strict: true }).catch((caught: unknown) => caught)
    expect(error).toMatchObject({ kind: 'unsupported', field: 'providerOptions.magichour.style.intensity', accepted: false })
    expect(server.requests.length).toBe(before)
  })
})

describe('talking photo validation, before any request', () => {
  async function rejection(request: Parameters<ReturnType<typeof animator>['animate']>[0]): Promise<PortraitAnimatorError> {
    const error = await animator()
      .animate(request)
      .catch((caught: unknown) => caught)
    expect(PortraitAnimatorError.isInstance(error)).toBe(true)
    expect(server.requests).toEqual([])
    return error as PortraitAnimatorError
  }

  it('rejects a negative start', async () => {
    const error = await rejection({ image: portrait, motion: { type: 'audio', audio: speech, startSeconds: -1 } })
    expect(error).toMatchObject({ kind: 'invalid_input', field: 'motion.startSeconds', rule: 'min', provider: 'magichour', accepted: false })
  })

  it('rejects an end that is not after the start', async () => {
    const error = await rejection({ image: portrait, motion: { type: 'audio', audio: speech, startSeconds: 2, endSeconds: 2 } })
    expect(error).toMatchObject({ kind: 'invalid_input', field: 'motion.endSeconds', rule: 'after-start' })
  })

  it("rejects an end past the audio's real duration", async () => {
    const error = await rejection({ image: portrait, motion: { type: 'audio', audio: speech, endSeconds: 6 } })
    expect(error).toMatchObject({ kind: 'invalid_input', field: 'motion.endSeconds', rule: 'audio-duration', actual: 6 })
    expect(error.message).toContain('4.81 s')
  })

  it('rejects a start at or past the end of the audio', async () => {
    const error = await rejection({ image: portrait, motion: { type: 'audio', audio: speech, startSeconds: 5 } })
    expect(error).toMatchObject({ kind: 'invalid_input', field: 'motion.startSeconds', rule: 'audio-duration' })
  })

  it('rejects a clip longer than the documented 60 s', async () => {
    const long = new Uint8Array(createTestWav(61))
    const error = await rejection({ image: portrait, motion: { type: 'audio', audio: long } })
    expect(error).toMatchObject({ kind: 'invalid_input', field: 'motion.endSeconds', rule: 'max-duration', limit: 60, actual: 61 })
    // The same audio is fine when the clip chosen is within the limit.
    scriptSuccess('cm0long')
    await animator().animate({ image: portrait, motion: { type: 'audio', audio: long, startSeconds: 1, endSeconds: 61 } })
    expect(server.calls('POST', '/v1/ai-talking-photo')[0]!.json).toMatchObject({ start_seconds: 1, end_seconds: 61 })
  })

  it('needs endSeconds when the audio is a URL', async () => {
    const error = await rejection({ image: portrait, motion: { type: 'audio', audio: 'https://93.184.216.34/hello.mp3' } })
    expect(error).toMatchObject({ kind: 'invalid_input', field: 'motion.endSeconds', rule: 'required' })
  })

  it('rejects a URL without a file extension Magic Hour can use', async () => {
    const error = await rejection({ image: 'https://93.184.216.34/portrait', motion: { type: 'audio', audio: speech } })
    expect(error).toMatchObject({ kind: 'invalid_input', field: 'image', rule: 'format' })
  })

  it('rejects a URL on a private network', async () => {
    const error = await rejection({ image: 'http://127.0.0.1/portrait.png', motion: { type: 'audio', audio: speech } })
    expect(error).toMatchObject({ kind: 'invalid_input', field: 'image', rule: 'private-address', provider: 'magichour' })
  })

  it('rejects audio where an image belongs, by its bytes', async () => {
    const error = await rejection({ image: speech, motion: { type: 'audio', audio: speech } })
    expect(error).toMatchObject({ kind: 'invalid_input', field: 'image', rule: 'format' })
  })

  it('rejects unknown and out-of-range provider options', async () => {
    const unknown = await rejection({ image: portrait, motion: { type: 'audio', audio: speech }, providerOptions: { magichour: { styel: {} } } })
    expect(unknown).toMatchObject({ kind: 'invalid_input', field: 'providerOptions.magichour.styel', rule: 'provider-option' })
    const mode = await rejection({ image: portrait, motion: { type: 'audio', audio: speech }, providerOptions: { magichour: { style: { generationMode: 'realistic' } } } })
    expect(mode).toMatchObject({ kind: 'invalid_input', field: 'providerOptions.magichour.style.generationMode' })
    const intensity = await rejection({ image: portrait, motion: { type: 'audio', audio: speech }, providerOptions: { magichour: { style: { intensity: 2.5 } } } })
    expect(intensity).toMatchObject({ kind: 'invalid_input', field: 'providerOptions.magichour.style.intensity' })
  })

  it('refuses other motions and image output as unsupported', async () => {
    const preset = await rejection({ image: portrait, motion: { type: 'preset', preset: 'live-photo' } })
    expect(preset).toMatchObject({ kind: 'unsupported', field: 'motion.type' })
    const still = await rejection({ image: portrait, motion: { type: 'audio', audio: speech }, output: { kind: 'image' } })
    expect(still).toMatchObject({ kind: 'unsupported', field: 'output.kind' })
  })

  it('fails with auth before anything else when no key is configured', async () => {
    const previous = process.env['MAGIC_HOUR_API_KEY']
    delete process.env['MAGIC_HOUR_API_KEY']
    try {
      const provider = createMagicHour({ baseUrl: server.baseUrl })
      expect(provider.unconfiguredReason).toBe('MAGIC_HOUR_API_KEY is not set')
      const error = await provider
        .talkingPhoto()
        .animate({ image: portrait, motion: { type: 'audio', audio: speech } })
        .catch((caught: unknown) => caught)
      expect(error).toMatchObject({ kind: 'auth', accepted: false, provider: 'magichour' })
      expect(server.requests).toEqual([])
    } finally {
      if (previous !== undefined) process.env['MAGIC_HOUR_API_KEY'] = previous
    }
  })
})

describe('talking photo cost estimate', () => {
  it('prices the clip at the mode rate before any call', () => {
    const talking = animator()
    expect(talking.estimateCost!({ image: portrait, motion: { type: 'audio', audio: speech, startSeconds: 1, endSeconds: 11 } })).toMatchObject({
      credits: 480,
      usd: 1.2,
      basis: 'estimated',
    })
    expect(
      talking.estimateCost!({ image: portrait, motion: { type: 'audio', audio: speech, endSeconds: 10 }, providerOptions: { magichour: { style: { generationMode: 'standard' } } } }),
    ).toMatchObject({ credits: 200 })
    // From the bytes when no end is given; an upper bound when the audio is a path.
    expect(talking.estimateCost!({ image: portrait, motion: { type: 'audio', audio: speech } })?.credits).toBe(Math.ceil(speechSeconds * 48))
    expect(talking.estimateCost!({ image: portrait, motion: { type: 'audio', audio: SPEECH.pathname } })).toMatchObject({ credits: 60 * 48 })
    expect(talking.estimateCost!({ image: portrait, motion: { type: 'preset', preset: 'live-photo' } })).toBeUndefined()
    expect(server.requests).toEqual([])
  })
})
