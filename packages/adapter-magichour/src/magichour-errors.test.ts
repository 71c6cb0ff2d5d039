import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { inspect } from 'node:util'
import type { PortraitAnimatorError } from '@portrait-animator/core'
import { expectAnimatorError } from '@portrait-animator/core/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { kindOfProjectCode } from './magichour-errors.js'
import { createMagicHour } from './magichour-provider.js'
import { projectReply, startTestServer, type Reply, type TestServer } from './magichour-test-server.test-helpers.js'

const API_KEY = 'mh_live_errors_7d1e0b9a4c'
const PNG = new Uint8Array(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAEAAAABACAIAAAAlC+aJAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAn0lEQVRoge2SQQkAQRDDKrkSTkqkroh7hIFCBKSh4etpohuwAdUrsgv1LtEN2IDqFdmFepfoBmxA9YrsQr1LdAM2oHpFdqHeJboBG1C9IrtQ7xLdgA2oXpFdqHeJbsAGVK/ILtS7RDdgA6pXZBfqXaIbsAHVK7IL9S7RDdiA6hXZhXqX6AZsQPWK7EK9S3QDNqB6RXah3iW6ARtQveIfHolaAXi2NaJSAAAAAElFTkSuQmCC', 'base64')) // 64x64, the smallest portrait Magic Hour's limits accept

let server: TestServer
beforeEach(async () => {
  server = await startTestServer()
})
afterEach(async () => server.close())

function imageToVideo(baseUrl = server.baseUrl) {
  return createMagicHour({ apiKey: API_KEY, baseUrl, pollIntervalMs: 10 }).imageToVideo()
}
const URL_REQUEST = { image: 'https://93.184.216.34/portrait.png', motion: { type: 'preset' as const, preset: 'live-photo' as const } }

/** The error, after checking that no surface of it shows the key, however it is printed. */
async function failure(promise: Promise<unknown>): Promise<PortraitAnimatorError> {
  const error = await expectAnimatorError(promise)
  for (const surface of [error.message, JSON.stringify(error), JSON.stringify(error.toJSON()), inspect(error, { depth: 8 })]) {
    expect(surface).not.toContain(API_KEY)
  }
  return error
}

describe('HTTP errors from the create call (no project id yet)', () => {
  const cases: Array<[number, Record<string, unknown>, string, boolean | 'unknown', boolean]> = [
    [400, { message: 'Missing request body' }, 'invalid_input', false, false],
    [401, { message: 'Unauthorized' }, 'auth', false, false],
    [402, { message: 'Payment required' }, 'insufficient_credits', false, false],
    [403, { message: 'Upgrade your plan to use 1080p' }, 'auth', false, false],
    [404, { message: 'Not Found' }, 'provider_error', false, false],
    [422, { message: 'Unable to create video' }, 'invalid_input', false, false],
    [429, { message: 'Too many requests' }, 'rate_limited', false, true],
    [500, { message: 'Internal error' }, 'unavailable', false, true],
    [502, { message: 'Bad gateway' }, 'unavailable', false, true],
    [503, { message: 'Overloaded' }, 'unavailable', false, true],
    [504, { message: 'Gateway timeout' }, 'unavailable', 'unknown', true],
  ]
  it.each(cases)('HTTP %i becomes %s', async (status, body, kind, accepted, retryable) => {
    server.on('POST', '/v1/image-to-video', { status, json: body, headers: status === 429 ? { 'retry-after': '7' } : {} })
    const error = await failure(imageToVideo().animate(URL_REQUEST))
    expect(error).toMatchObject({ kind, statusCode: status, accepted, retryable, provider: 'magichour', modelId: 'image-to-video' })
    expect(error.message).toContain(String(body['message']))
    if (status === 429) expect(error.retryAfterMs).toBe(7000)
    expect(server.calls('GET', '/v1/video-projects/x')).toHaveLength(0)
  })

  it('maps an HTML error page without echoing it', async () => {
    server.on('POST', '/v1/image-to-video', { status: 502, body: '<html><body>Bad Gateway</body></html>', headers: { 'content-type': 'text/html' } })
    const error = await failure(imageToVideo().animate(URL_REQUEST))
    expect(error).toMatchObject({ kind: 'unavailable', statusCode: 502, accepted: false })
    expect(error.message).not.toContain('<html>')
  })

  it('maps a refused connection to unavailable, proven not accepted', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    const error = await failure(imageToVideo(`http://127.0.0.1:${port}`).animate(URL_REQUEST))
    expect(error).toMatchObject({ kind: 'unavailable', retryable: true, accepted: false, providerCode: 'ECONNREFUSED' })
  })

  it('marks a connection reset after sending as unknown acceptance', async () => {
    server.on('POST', '/v1/image-to-video', 'reset')
    const error = await failure(imageToVideo().animate(URL_REQUEST))
    expect(error).toMatchObject({ kind: 'unavailable', accepted: 'unknown' })
  })

  it('reports a 200 without a usable id as a provider error that may have created a project', async () => {
    server.on('POST', '/v1/image-to-video', { status: 200, json: { credits_charged: 300 } })
    const error = await failure(imageToVideo().animate(URL_REQUEST))
    expect(error).toMatchObject({ kind: 'provider_error', accepted: 'unknown' })
    expect(error.message).toContain('id')
  })
})

describe('HTTP errors before the create call', () => {
  it('a failed upload-urls call is not accepted and nothing is created', async () => {
    server.on('POST', '/v1/files/upload-urls', { status: 401, json: { message: 'Unauthorized' } })
    const error = await failure(imageToVideo().animate({ ...URL_REQUEST, image: PNG }))
    expect(error).toMatchObject({ kind: 'auth', statusCode: 401, accepted: false })
    expect(server.calls('POST', '/v1/image-to-video')).toHaveLength(0)
  })

  it('a failed PUT is unavailable (5xx), not accepted', async () => {
    server.on('POST', '/v1/files/upload-urls', { status: 200, json: { items: [{ upload_url: `${server.baseUrl}/put/a.png`, file_path: 'api-assets/a.png' }] } })
    server.on('PUT', '/put/a.png', { status: 503 })
    const error = await failure(imageToVideo().animate({ ...URL_REQUEST, image: PNG }))
    expect(error).toMatchObject({ kind: 'unavailable', statusCode: 503, accepted: false, modelId: 'image-to-video' })
    expect(server.calls('POST', '/v1/image-to-video')).toHaveLength(0)
  })

  it('never sends the bytes to an upload URL on a host it does not trust', async () => {
    server.on('POST', '/v1/files/upload-urls', { status: 200, json: { items: [{ upload_url: 'http://198.51.100.7/put/a.png', file_path: 'api-assets/a.png' }] } })
    const error = await failure(imageToVideo().animate({ ...URL_REQUEST, image: PNG }))
    expect(error).toMatchObject({ kind: 'provider_error', accepted: false })
    expect(error.message).toContain('198.51.100.7')
  })
})

describe('projects that end badly', () => {
  function scriptEnd(reply: Reply) {
    server.on('POST', '/v1/image-to-video', { status: 200, json: { id: 'cm0bad', credits_charged: 300 } })
    server.on('GET', '/v1/video-projects/cm0bad', [projectReply('cm0bad', 'rendering'), reply])
  }

  it.each([
    ['no_source_face', 'no_face', false],
    ['insufficient_credits', 'insufficient_credits', false],
    ['invalid_file_format', 'invalid_input', false],
    ['unknown_error', 'job_failed', true],
  ])('error.code %s becomes %s', async (code, kind, retryable) => {
    scriptEnd(projectReply('cm0bad', 'error', { error: { code, message: 'It went wrong.' } }))
    const error = await failure(imageToVideo().animate(URL_REQUEST))
    expect(error).toMatchObject({ kind, retryable, providerCode: code, requestId: 'cm0bad', accepted: true })
    expect(error.message).toContain('It went wrong.')
  })

  it('a canceled project becomes cancelled', async () => {
    scriptEnd(projectReply('cm0bad', 'canceled'))
    const error = await failure(imageToVideo().animate(URL_REQUEST))
    expect(error).toMatchObject({ kind: 'cancelled', providerCode: 'canceled', accepted: true })
  })

  it('rides out a few failed status checks while the project runs, then fails with accepted: true', async () => {
    server.on('POST', '/v1/image-to-video', { status: 200, json: { id: 'cm0flaky', credits_charged: 300 } })
    server.on('GET', '/v1/video-projects/cm0flaky', [
      { status: 502, json: { message: 'Bad gateway' } },
      { status: 429, json: { message: 'Slow down' } },
      projectReply('cm0flaky', 'complete', { downloads: [{ url: `${server.baseUrl}/cdn/f.mp4` }] }),
    ])
    const result = await imageToVideo().animate(URL_REQUEST)
    expect(result.providerMetadata['magichour']).toMatchObject({ projectId: 'cm0flaky' })

    server.on('POST', '/v1/image-to-video', { status: 200, json: { id: 'cm0down', credits_charged: 300 } })
    server.on('GET', '/v1/video-projects/cm0down', { status: 503, json: { message: 'Overloaded' } })
    const error = await failure(imageToVideo().animate(URL_REQUEST))
    expect(error).toMatchObject({ kind: 'unavailable', accepted: true })
    expect(server.calls('GET', '/v1/video-projects/cm0down')).toHaveLength(6)
  })

  it('stops at once on an auth failure while polling', async () => {
    server.on('POST', '/v1/image-to-video', { status: 200, json: { id: 'cm0auth', credits_charged: 300 } })
    server.on('GET', '/v1/video-projects/cm0auth', { status: 401, json: { message: 'Unauthorized' } })
    const error = await failure(imageToVideo().animate(URL_REQUEST))
    expect(error).toMatchObject({ kind: 'auth', accepted: true })
    expect(server.calls('GET', '/v1/video-projects/cm0auth')).toHaveLength(1)
  })
})

describe('kindOfProjectCode', () => {
  it.each([
    ['no_source_face', 'no_face'],
    ['insufficient_credits', 'insufficient_credits'],
    ['not_enough_credits', 'insufficient_credits'],
    ['nsfw_content_detected', 'content_policy'],
    ['file_too_large', 'invalid_input'],
    ['invalid_parameters', 'invalid_input'],
    ['invalid_video_file', 'invalid_input'],
    ['unknown_error', 'job_failed'],
    ['render_exploded', 'job_failed'],
  ])('%s -> %s', (code, kind) => {
    expect(kindOfProjectCode(code)).toBe(kind)
  })
})
