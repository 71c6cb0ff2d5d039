import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AnimationRequest, PortraitAnimator } from '@portrait-animator/core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { DOCS_NO_FACE_EXAMPLE, newerSuccess, olderError, olderSuccess } from './ailab-fixtures.test-helpers.js'
import { createAilab } from './ailab-provider.js'
import { GIF_16, makeBmp, makeJpeg, makeMp4Header, makePng } from './ailab-test-media.test-helpers.js'
import { startTestServer, type TestServer } from './ailab-test-server.test-helpers.js'
import { expectAnimatorError, waitUntil } from '@portrait-animator/core/testing'

const API_KEY = 'ailab-test-key-7c1f9e2d4b'
const LIVE_PHOTO: AnimationRequest['motion'] = { type: 'preset', preset: 'live-photo' }
const VIDEO = makeMp4Header({ width: 512, height: 640, durationSeconds: 3.2 })
const VIDEO_BASE64 = Buffer.from(VIDEO).toString('base64')

let server: TestServer
let workDir: string

beforeAll(async () => {
  server = await startTestServer()
  workDir = await mkdtemp(join(tmpdir(), 'ailab-wire-'))
})
afterAll(async () => {
  await server.close()
  await rm(workDir, { recursive: true, force: true })
})
beforeEach(() => {
  server.requests.length = 0
  server.reply({ status: 200, body: olderSuccess(VIDEO_BASE64) })
})
afterEach(() => {
  vi.unstubAllEnvs()
})

function animator(settings: Parameters<typeof createAilab>[0] = {}): PortraitAnimator {
  return createAilab({ apiKey: API_KEY, baseUrl: server.baseUrl, ...settings }).livePhoto()
}

describe('the request AILab receives', () => {
  it('is a multipart POST with exactly image_target and type, and the key header', async () => {
    const png = makePng(64, 80)
    await animator().animate({ image: png, motion: LIVE_PHOTO })

    expect(server.requests).toHaveLength(1)
    const sent = server.requests[0]!
    expect(sent.method).toBe('POST')
    expect(sent.path).toBe('/api/portrait/effects/live-photo')
    expect(sent.headers['ailabapi-api-key']).toBe(API_KEY)
    expect(sent.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/)
    expect(sent.headers['authorization']).toBeUndefined()

    const form = await sent.form()
    expect([...form.keys()]).toEqual(['image_target', 'type'])
    expect(form.get('type')).toBe('0')
    const file = form.get('image_target') as File
    expect(file.name).toBe('image.png')
    expect(file.type).toBe('image/png')
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(png)
    // The raw part headers, as AILab's multipart parser reads them.
    const raw = sent.body.toString('latin1')
    expect(raw).toContain('Content-Disposition: form-data; name="image_target"; filename="image.png"\r\nContent-Type: image/png\r\n')
    expect(raw).toContain('Content-Disposition: form-data; name="type"\r\n\r\n0\r\n')
  })

  it('sends type=1 for the full-body framing and type=0 for head', async () => {
    await animator().animate({ image: makePng(64, 64), motion: { ...LIVE_PHOTO, framing: 'full-body' } })
    await animator().animate({ image: makePng(64, 64), motion: { ...LIVE_PHOTO, framing: 'head' } })
    expect(await Promise.all(server.requests.map(async (request) => (await request.form()).get('type')))).toEqual(['1', '0'])
  })

  it('names a JPEG file image.jpg (image/jpeg) and a BMP image.bmp (image/bmp), from the bytes not the path', async () => {
    const jpegPath = join(workDir, 'portrait.png') // wrong extension on purpose
    await writeFile(jpegPath, makeJpeg(300, 400))
    await animator().animate({ image: jpegPath, motion: LIVE_PHOTO })
    await animator().animate({ image: makeBmp(128, 64), motion: LIVE_PHOTO })
    const files = await Promise.all(server.requests.map(async (request) => (await request.form()).get('image_target') as File))
    expect(files.map((file) => [file.name, file.type])).toEqual([
      ['image.jpg', 'image/jpeg'],
      ['image.bmp', 'image/bmp'],
    ])
  })

  it('lets providerOptions.ailab.type override the framing, with a warning', async () => {
    const result = await animator().animate({ image: makePng(64, 64), motion: { ...LIVE_PHOTO, framing: 'head' }, providerOptions: { ailab: { type: 1 } } })
    expect((await server.requests[0]!.form()).get('type')).toBe('1')
    expect(result.warnings).toEqual([expect.objectContaining({ type: 'other', setting: 'motion.framing', provider: 'ailab' })])
  })

  it('uses the injected fetch for the API call', async () => {
    const calls: string[] = []
    const recordingFetch: typeof fetch = (input, init) => {
      calls.push(String(input))
      return fetch(input, init)
    }
    await animator({ fetch: recordingFetch }).animate({ image: makePng(64, 64), motion: LIVE_PHOTO })
    expect(calls).toEqual([`${server.baseUrl}/api/portrait/effects/live-photo`])
    expect(server.requests).toHaveLength(1)
  })

  it('keeps a path prefix of the base URL (a private deployment behind a proxy)', async () => {
    await animator({ baseUrl: `${server.baseUrl}/ailab/` }).animate({ image: makePng(64, 64), motion: LIVE_PHOTO })
    expect(server.requests[0]!.path).toBe('/ailab/api/portrait/effects/live-photo')
  })
})

describe('a successful answer', () => {
  it('gives the MP4 with its size and duration, the ids, the cost and one attempt', async () => {
    const progress: string[] = []
    const result = await animator().animate({ image: makePng(64, 64), motion: LIVE_PHOTO }, { onProgress: (event) => progress.push(event.phase) })

    expect(result.output).toMatchObject({ kind: 'video', format: 'mp4', mimeType: 'video/mp4', width: 512, height: 640, durationSeconds: 3.2 })
    expect(await result.output.bytes()).toEqual(VIDEO)
    const saved = await result.output.save(join(workDir, 'out', 'live.mp4'))
    expect(new Uint8Array(await readFile(saved.path))).toEqual(VIDEO)

    expect(result.providerMetadata).toEqual({ ailab: { requestId: 'req-older-1', logId: 'log-older-1' } })
    expect(result.cost).toMatchObject({ credits: 22, usd: 0.0594, basis: 'estimated' })
    expect(result.servedBy).toEqual({ provider: 'ailab', modelId: 'live-photo', target: 'ailab/live-photo' })
    expect(result.attempts).toEqual([expect.objectContaining({ target: 'ailab/live-photo', outcome: 'succeeded', attempt: 1, accepted: true })])
    expect(result.warnings).toEqual([])
    expect(result.timings.totalMs).toBeGreaterThanOrEqual(0)
    expect(progress[0]).toBe('validating')
    expect(progress.at(-1)).toBe('completed')
  })

  it('reads the newer envelope (no error_code, no error_code_str) too', async () => {
    server.reply({ status: 200, body: newerSuccess(VIDEO_BASE64) })
    const result = await animator().animate({ image: makePng(64, 64), motion: LIVE_PHOTO })
    expect(result.providerMetadata).toEqual({ ailab: { requestId: 'req-newer-1', logId: 'log-newer-1' } })
    expect(await result.output.bytes()).toEqual(VIDEO)
  })

  it('accepts the video as a data: URI', async () => {
    server.reply({ status: 200, body: newerSuccess(`data:video/mp4;base64,${VIDEO_BASE64}`) })
    const result = await animator().animate({ image: makePng(64, 64), motion: LIVE_PHOTO })
    expect(await result.output.bytes()).toEqual(VIDEO)
  })

  it('treats a 200 with a non-zero error_code as the failure it reports', async () => {
    server.reply({ status: 200, body: { ...DOCS_NO_FACE_EXAMPLE, request_id: 'req-200-noface' } })
    const error = await expectAnimatorError(animator().animate({ image: makePng(64, 64), motion: LIVE_PHOTO }))
    // error_detail.code wins over the older, vaguer error_code_str.
    expect(error).toMatchObject({ kind: 'no_face', providerCode: 'ERROR_NO_FACE_IN_FILE', statusCode: 422, requestId: 'req-200-noface', accepted: false, retryable: false })
    expect(error.message).toContain('No face detected in the file')
  })

  it.each([
    ['bytes that are not a video', Buffer.from(makePng(8, 8)).toString('base64'), /PNG, not MP4/],
    ['text that is not base64', 'this is not base64!', /not base64/],
    ['a URL instead of bytes', 'https://cdn.example.com/video.mp4', /a URL/],
    ['an MP4 cut short', Buffer.from(VIDEO.subarray(0, 60)).toString('base64'), /cut short/],
  ])('fails with provider_error when data.video is %s', async (_name, video, message) => {
    server.reply({ status: 200, body: olderSuccess(video) })
    const error = await expectAnimatorError(animator().animate({ image: makePng(64, 64), motion: LIVE_PHOTO }))
    expect(error).toMatchObject({ kind: 'provider_error', accepted: true, retryable: false, requestId: 'req-older-1' })
    expect(error.message).toMatch(message)
  })

  it('fails with provider_error when the success envelope has no video', async () => {
    server.reply({ status: 200, body: { request_id: 'r', error_code: 0, data: {} } })
    expect(await expectAnimatorError(animator().animate({ image: makePng(64, 64), motion: LIVE_PHOTO }))).toMatchObject({ kind: 'provider_error', requestId: 'r' })
  })
})

describe('failures decided before any request', () => {
  const reject = async (request: AnimationRequest, settings: Parameters<typeof createAilab>[0] = {}) => {
    const error = await expectAnimatorError(animator(settings).animate(request))
    expect(server.requests).toHaveLength(0)
    expect(error).toMatchObject({ provider: 'ailab', modelId: 'live-photo', accepted: false })
    return error
  }

  it.each([
    ['wider than 4095 px', makePng(4096, 8), 'max-width'],
    ['taller than 4095 px', makePng(8, 4100), 'max-height'],
    ['over 5 MB', makeBmp(1400, 1300), 'max-bytes'],
    ['a GIF', GIF_16, 'format'],
    ['not an image at all', Buffer.from('hello, I am text and not a portrait'), 'not-media'],
    ['a PNG cut short', makePng(64, 64).subarray(0, 40), 'truncated'],
  ])('rejects an image %s as invalid_input on image', async (_name, image, rule) => {
    const error = await reject({ image, motion: LIVE_PHOTO })
    expect(error).toMatchObject({ kind: 'invalid_input', field: 'image', rule })
  })

  it('rejects a missing file as invalid_input', async () => {
    expect(await reject({ image: join(workDir, 'nope.jpg'), motion: LIVE_PHOTO })).toMatchObject({ kind: 'invalid_input', field: 'image' })
  })

  it.each([
    [{ type: 'expression', smile: 1 } as const, 'motion.type'],
    [{ type: 'audio', audio: new Uint8Array([1]) } as const, 'motion.type'],
    [{ type: 'preset', preset: 'nod' } as const, 'motion.preset'],
  ])('fails %o with unsupported', async (motion, field) => {
    expect(await reject({ image: makePng(64, 64), motion })).toMatchObject({ kind: 'unsupported', field })
  })

  it('rejects an unknown framing', async () => {
    const motion = { type: 'preset', preset: 'live-photo', framing: 'torso' } as unknown as AnimationRequest['motion']
    expect(await reject({ image: makePng(64, 64), motion })).toMatchObject({ kind: 'invalid_input', field: 'motion.framing' })
  })

  it('rejects unknown or out-of-range provider options', async () => {
    expect(await reject({ image: makePng(64, 64), motion: LIVE_PHOTO, providerOptions: { ailab: { typ: 1 } } })).toMatchObject({
      kind: 'invalid_input',
      field: 'providerOptions.ailab.typ',
    })
    expect(await reject({ image: makePng(64, 64), motion: LIVE_PHOTO, providerOptions: { ailab: { type: 2 } } })).toMatchObject({
      kind: 'invalid_input',
      field: 'providerOptions.ailab.type',
    })
  })

  it('turns output wishes into warnings, and into unsupported errors in strict mode', async () => {
    const request: AnimationRequest = { image: makePng(64, 64), motion: LIVE_PHOTO, output: { format: 'webp', maxSide: 256 } }
    const result = await animator().animate(request)
    expect(result.warnings.map((warning) => [warning.type, warning.setting])).toEqual([
      ['unsupported', 'output.format'],
      ['unsupported', 'output.maxSide'],
    ])
    server.requests.length = 0
    expect(await reject({ ...request, strict: true })).toMatchObject({ kind: 'unsupported', field: 'output.format' })
  })

  it('fails with auth when there is no key at all', async () => {
    vi.stubEnv('AILAB_API_KEY', '')
    const error = await expectAnimatorError(createAilab({ baseUrl: server.baseUrl }).livePhoto().animate({ image: makePng(64, 64), motion: LIVE_PHOTO }))
    expect(error).toMatchObject({ kind: 'auth', provider: 'ailab', accepted: false })
    expect(error.message).toContain('AILAB_API_KEY')
    expect(server.requests).toHaveLength(0)
  })

  it('takes the key from AILAB_API_KEY by default', async () => {
    vi.stubEnv('AILAB_API_KEY', 'ailab-env-key-123456')
    await createAilab({ baseUrl: server.baseUrl }).livePhoto().animate({ image: makePng(64, 64), motion: LIVE_PHOTO })
    expect(server.requests[0]!.headers['ailabapi-api-key']).toBe('ailab-env-key-123456')
  })

  it('fails with cancelled, accepted false, when the signal is already aborted', async () => {
    const error = await expectAnimatorError(animator().animate({ image: makePng(64, 64), motion: LIVE_PHOTO }, { signal: AbortSignal.abort() }))
    expect(error).toMatchObject({ kind: 'cancelled', accepted: false })
    expect(server.requests).toHaveLength(0)
  })
})

describe('transport failures', () => {
  it('maps a refused connection to unavailable with accepted false', async () => {
    const closed = await startTestServer()
    await closed.close()
    const error = await expectAnimatorError(animator({ baseUrl: closed.baseUrl }).animate({ image: makePng(64, 64), motion: LIVE_PHOTO }))
    expect(error).toMatchObject({ kind: 'unavailable', retryable: true, accepted: false, provider: 'ailab', modelId: 'live-photo', providerCode: 'ECONNREFUSED' })
  })

  it('maps a connection reset after sending to unavailable with accepted unknown', async () => {
    server.reply('reset')
    const error = await expectAnimatorError(animator().animate({ image: makePng(64, 64), motion: LIVE_PHOTO }))
    expect(error).toMatchObject({ kind: 'unavailable', retryable: true, accepted: 'unknown', modelId: 'live-photo' })
    expect(server.requests).toHaveLength(1)
  })

  it('fails with timeout, accepted unknown, when AILab does not answer before the deadline', async () => {
    server.reply('hang')
    const error = await expectAnimatorError(animator().animate({ image: makePng(64, 64), motion: LIVE_PHOTO }, { timeoutMs: 150 }))
    expect(error).toMatchObject({ kind: 'timeout', accepted: 'unknown', retryable: false, provider: 'ailab' })
  })

  it('uses the factory timeout when the call gives none', async () => {
    server.reply('hang')
    const error = await expectAnimatorError(animator({ timeoutMs: 150 }).animate({ image: makePng(64, 64), motion: LIVE_PHOTO }))
    expect(error.kind).toBe('timeout')
  })

  it('fails with cancelled when the caller aborts while AILab renders', async () => {
    server.reply('hang')
    const controller = new AbortController()
    const pending = animator().animate({ image: makePng(64, 64), motion: LIVE_PHOTO }, { signal: controller.signal })
    await waitUntil(() => server.requests.length === 1, { what: 'the request' })
    controller.abort()
    expect(await expectAnimatorError(pending)).toMatchObject({ kind: 'cancelled', accepted: 'unknown', retryable: false })
  })

  it('says accepted unknown when a 200 answer is lost on the way (a response too large to read)', async () => {
    const chunk = new Uint8Array(1024 * 1024).fill(0x41)
    let sent = 0
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 1
        if (sent > 200) controller.close()
        else controller.enqueue(chunk)
      },
    })
    const huge: typeof fetch = async () => new Response(endless, { status: 200 })
    const error = await expectAnimatorError(animator({ fetch: huge }).animate({ image: makePng(64, 64), motion: LIVE_PHOTO }))
    expect(error).toMatchObject({ kind: 'provider_error', accepted: 'unknown', provider: 'ailab', modelId: 'live-photo' })
  })

  it('maps a non-JSON 502 from a proxy to unavailable', async () => {
    server.reply({ status: 502, body: '<html>Bad Gateway</html>' })
    expect(await expectAnimatorError(animator().animate({ image: makePng(64, 64), motion: LIVE_PHOTO }))).toMatchObject({ kind: 'unavailable', statusCode: 502, accepted: false })
  })

  it('maps a bare 404 from another host to provider_error (a wrong base URL, not a retirement)', async () => {
    server.reply({ status: 404, body: 'Not Found' })
    const error = await expectAnimatorError(animator().animate({ image: makePng(64, 64), motion: LIVE_PHOTO }))
    expect(error).toMatchObject({ kind: 'provider_error', statusCode: 404, accepted: false })
  })

  it('maps a bare 404 from www.ailabapi.com to retired', async () => {
    const bare404: typeof fetch = async () => new Response('Not Found', { status: 404 })
    const error = await expectAnimatorError(createAilab({ apiKey: API_KEY, fetch: bare404 }).livePhoto().animate({ image: makePng(64, 64), motion: LIVE_PHOTO }))
    expect(error).toMatchObject({ kind: 'retired', statusCode: 404, retryable: false })
  })

  it('keeps Retry-After on rate limits', async () => {
    server.reply({ status: 429, body: olderError(429, 'EXCEEDING_LIMITS'), headers: { 'retry-after': '7' } })
    expect(await expectAnimatorError(animator().animate({ image: makePng(64, 64), motion: LIVE_PHOTO }))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000, retryable: true })
  })

  it('never lets the key into an error message or its JSON', async () => {
    server.reply({ status: 401, body: { ...olderError(401, 'ERROR_USER_NOT_EXISTS'), error_msg: `unknown key ${API_KEY}` } })
    const error = await expectAnimatorError(animator().animate({ image: makePng(64, 64), motion: LIVE_PHOTO }))
    expect(error.kind).toBe('auth')
    expect(`${error.message} ${JSON.stringify(error)} ${error.stack}`).not.toContain(API_KEY)
  })
})

describe('the animator as data', () => {
  it('says retired, with the replacements, and still calls the configured base URL', async () => {
    const livePhoto = animator()
    expect(livePhoto.capabilities.lifecycle).toMatchObject({ status: 'retired', replacements: ['fal/live-portrait', 'magichour/image-to-video', 'local/warp'] })
    expect(livePhoto.capabilities).toMatchObject({ motions: ['preset'], presets: ['live-photo'], framings: ['head', 'full-body'], outputs: ['video'], jobs: false })
    expect(livePhoto.capabilities.inputs.image).toMatchObject({ formats: ['jpeg', 'png', 'bmp'], maxBytes: 5 * 1024 * 1024, maxWidth: 4095, maxHeight: 4095 })
    await livePhoto.animate({ image: makePng(64, 64), motion: LIVE_PHOTO })
    expect(server.requests).toHaveLength(1)
  })

  it('estimates 22 credits, about $0.059, without any call', () => {
    expect(animator().estimateCost?.({ image: makePng(64, 64), motion: LIVE_PHOTO })).toMatchObject({ credits: 22, usd: 0.0594, basis: 'estimated' })
    expect(server.requests).toHaveLength(0)
  })

  it('rejects a base URL that is not http(s) as invalid_config', () => {
    expect(() => createAilab({ apiKey: API_KEY, baseUrl: 'ftp://example.com' })).toThrow(expect.objectContaining({ kind: 'invalid_config' }))
    expect(() => createAilab({ apiKey: API_KEY, baseUrl: 'not a url' })).toThrow(expect.objectContaining({ kind: 'invalid_config' }))
  })
})
