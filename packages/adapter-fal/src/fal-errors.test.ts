import { describe, expect, it } from 'vitest'
import { createFakeFal, happyFal, json } from './fal-fake.test-helpers.js'
import { createFal } from './fal-provider.js'
import { expectAnimatorError } from '@portrait-animator/core/testing'

const KEY = 'fal-key-id-4242:fal-key-secret-4242'
const SUBMIT_URL = 'https://queue.fal.run/fal-ai/live-portrait'
const REQUEST_URL = 'https://queue.fal.run/fal-ai/live-portrait/requests/req-123'
const REQUEST = { image: 'https://93.184.216.34/p.jpg', motion: { type: 'driving-video', video: 'https://93.184.216.34/d.mp4' } } as const

function setup() {
  const fake = createFakeFal()
  happyFal(fake, { endpointId: 'fal-ai/live-portrait', result: { video: { url: 'https://v3.fal.media/files/out/x.mp4' } } })
  const animator = createFal({ apiKey: KEY, fetch: fake.fetch, statusMode: 'polling' }).livePortrait()
  return { fake, animator }
}

interface Case {
  readonly name: string
  readonly reply: () => Response
  readonly expected: Record<string, unknown>
}

const SUBMIT_CASES: readonly Case[] = [
  {
    name: '422 validation error: invalid_input with the field',
    reply: () => json(422, { detail: [{ loc: ['body', 'image_url'], msg: 'Could not download the file', type: 'file_download_error' }] }),
    expected: { kind: 'invalid_input', field: 'image', providerCode: 'file_download_error', statusCode: 422, retryable: false, accepted: false },
  },
  {
    name: '422 on an expression field names the request field',
    reply: () => json(422, { detail: [{ loc: ['body', 'rotate_yaw'], msg: 'Input should be less than or equal to 45', type: 'less_than_equal' }] }),
    expected: { kind: 'invalid_input', field: 'motion.yaw', providerCode: 'less_than_equal' },
  },
  {
    name: '422 with a plain-string detail',
    reply: () => json(422, { detail: 'Invalid input' }),
    expected: { kind: 'invalid_input', statusCode: 422, accepted: false },
  },
  {
    name: '422 content policy violation',
    reply: () => json(422, { detail: [{ loc: ['body'], msg: 'Flagged by the safety checker', type: 'content_policy_violation' }] }),
    expected: { kind: 'content_policy', providerCode: 'content_policy_violation', retryable: false },
  },
  {
    name: '422 face detection error',
    reply: () => json(422, { detail: [{ loc: ['body', 'image_url'], msg: 'No face detected in the image', type: 'face_detection_error' }] }),
    expected: { kind: 'no_face', providerCode: 'face_detection_error' },
  },
  {
    name: '422 with X-Fal-Retryable: true',
    reply: () => json(422, { detail: [{ loc: ['body'], msg: 'Temporary', type: 'downstream_service_error' }] }, { 'x-fal-retryable': 'true' }),
    expected: { kind: 'invalid_input', retryable: true },
  },
  {
    name: '400 bad_request from the header',
    reply: () => json(400, { detail: 'Malformed body' }, { 'x-fal-error-type': 'bad_request' }),
    expected: { kind: 'invalid_input', providerCode: 'bad_request', statusCode: 400, accepted: false },
  },
  {
    name: '401: auth',
    reply: () => json(401, { detail: 'No user found for Key ID and Secret' }),
    expected: { kind: 'auth', statusCode: 401, retryable: false, accepted: false },
  },
  {
    name: '403: auth',
    reply: () => json(403, { detail: 'Access denied' }),
    expected: { kind: 'auth', statusCode: 403 },
  },
  {
    name: '403 exhausted balance: insufficient_credits',
    reply: () => json(403, { detail: 'User is locked. Reason: Exhausted balance. Top up your balance at fal.ai/dashboard/billing.' }),
    expected: { kind: 'insufficient_credits', statusCode: 403, retryable: false },
  },
  {
    name: '404 on submit: the endpoint is retired',
    reply: () => json(404, { detail: 'Application not found' }),
    expected: { kind: 'retired', statusCode: 404, retryable: false, accepted: false },
  },
  {
    name: '429 with Retry-After: rate_limited',
    reply: () => json(429, { detail: 'Too many requests' }, { 'retry-after': '7' }),
    expected: { kind: 'rate_limited', retryAfterMs: 7000, retryable: true, accepted: false },
  },
  {
    name: '499 client_cancelled',
    reply: () => json(499, { detail: 'Client cancelled', error_type: 'client_cancelled' }),
    expected: { kind: 'cancelled', providerCode: 'client_cancelled' },
  },
  {
    name: '500 runner_server_error with X-Fal-Retryable: false',
    reply: () => json(500, { detail: 'Runner failed', error_type: 'runner_server_error' }, { 'x-fal-retryable': 'false' }),
    expected: { kind: 'unavailable', providerCode: 'runner_server_error', retryable: false, accepted: false },
  },
  {
    name: '502 runner_incomplete_response',
    reply: () => json(502, { detail: 'Incomplete', error_type: 'runner_incomplete_response' }),
    expected: { kind: 'unavailable', retryable: true, accepted: false },
  },
  {
    name: '503 runner_scheduling_failure (header only)',
    reply: () => json(503, { detail: 'No runner' }, { 'x-fal-error-type': 'runner_scheduling_failure' }),
    expected: { kind: 'unavailable', providerCode: 'runner_scheduling_failure', retryable: true, accepted: false },
  },
  {
    name: '504 request_timeout: timeout',
    reply: () => json(504, { detail: 'Request timed out', error_type: 'request_timeout' }),
    expected: { kind: 'timeout', providerCode: 'request_timeout', accepted: false },
  },
  {
    name: '504 startup_timeout: unavailable',
    reply: () => json(504, { detail: 'Startup timed out', error_type: 'startup_timeout' }),
    expected: { kind: 'unavailable', providerCode: 'startup_timeout' },
  },
  {
    name: 'a bare 502 from a gateway: acceptance unknown',
    reply: () => new Response('<html>Bad Gateway</html>', { status: 502, headers: { 'content-type': 'text/html' } }),
    expected: { kind: 'unavailable', statusCode: 502, accepted: 'unknown' },
  },
]

describe('fal error mapping on submit (before a request id exists)', () => {
  it.each(SUBMIT_CASES)('$name', async ({ reply, expected }) => {
    const { fake, animator } = setup()
    fake.on('POST', SUBMIT_URL, reply)
    const error = await expectAnimatorError(animator.animate(REQUEST))
    expect(error).toMatchObject({ provider: 'fal', modelId: 'live-portrait', ...expected })
    // Never retried, by the adapter or the client: a resubmit could pay twice.
    expect(fake.find('POST', SUBMIT_URL)).toHaveLength(1)
    expect(fake.find('GET', /queue\.fal\.run/)).toHaveLength(0)
  })

  it('a connection refused proves nothing was accepted; a reset leaves it unknown; neither is resent', async () => {
    for (const [code, accepted] of [
      ['ECONNREFUSED', false],
      ['ECONNRESET', 'unknown'],
    ] as const) {
      const { fake, animator } = setup()
      fake.on('POST', SUBMIT_URL, () => {
        throw new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) })
      })
      const error = await expectAnimatorError(animator.animate(REQUEST))
      expect(error).toMatchObject({ kind: 'unavailable', providerCode: code, accepted, retryable: true })
      expect(fake.find('POST', SUBMIT_URL)).toHaveLength(1)
    }
  })

  it('a reset while the submit answer is read is not retried by the client either', async () => {
    const { fake, animator } = setup()
    fake.on('POST', SUBMIT_URL, () => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"request_id":'))
          controller.error(new TypeError('terminated', { cause: Object.assign(new Error('socket closed'), { code: 'ECONNRESET' }) }))
        },
      })
      return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } })
    })
    const error = await expectAnimatorError(animator.animate(REQUEST))
    expect(error).toMatchObject({ kind: 'unavailable', accepted: 'unknown', providerCode: 'ECONNRESET' })
    expect(fake.find('POST', SUBMIT_URL)).toHaveLength(1)
  })

  it('never lets the key into a message, even when fal echoes it', async () => {
    const { fake, animator } = setup()
    fake.on('POST', SUBMIT_URL, () => json(401, { detail: `Invalid key ${KEY}` }))
    const error = await expectAnimatorError(animator.animate(REQUEST))
    for (const surface of [error.message, JSON.stringify(error.toJSON()), String(error.stack)]) {
      expect(surface).not.toContain('fal-key-secret-4242')
      expect(surface).not.toContain('fal-key-id-4242')
    }
  })
})

describe('fal error mapping once the job exists', () => {
  it.each([
    {
      name: 'the model rejected an input (422)',
      reply: () => json(422, { detail: [{ loc: ['body', 'video_url'], msg: 'Unsupported video', type: 'unsupported_video_format' }] }, { 'x-fal-retryable': 'false' }),
      expected: { kind: 'invalid_input', field: 'motion.video', retryable: false },
    },
    {
      name: 'the runner crashed (500 runner_server_error)',
      reply: () => json(500, { detail: 'Runner crashed', error_type: 'runner_server_error' }, { 'x-fal-retryable': 'false' }),
      expected: { kind: 'unavailable', providerCode: 'runner_server_error', retryable: false },
    },
    {
      name: 'the job ran out of time (504 request_timeout)',
      reply: () => json(504, { detail: 'Request timed out', error_type: 'request_timeout' }, { 'x-fal-retryable': 'false' }),
      expected: { kind: 'timeout', providerCode: 'request_timeout' },
    },
  ])('result: $name', async ({ reply, expected }) => {
    const { fake, animator } = setup()
    fake.on('GET', REQUEST_URL, reply)
    const error = await expectAnimatorError(animator.animate(REQUEST))
    expect(error).toMatchObject({ ...expected, accepted: true, requestId: 'req-123', provider: 'fal' })
    // X-Fal-Retryable: false stops the client's own retries of the result too.
    expect(fake.find('GET', REQUEST_URL)).toHaveLength(1)
  })

  it('status: a revoked key is auth, with the job accepted', async () => {
    const { fake, animator } = setup()
    fake.on('GET', `${REQUEST_URL}/status?logs=1`, () => json(401, { detail: 'No user found for Key ID and Secret' }))
    const error = await expectAnimatorError(animator.animate(REQUEST))
    expect(error).toMatchObject({ kind: 'auth', accepted: true, requestId: 'req-123', statusCode: 401 })
  })

  it('status: an unknown request is job_failed', async () => {
    const { fake, animator } = setup()
    const handle = await animator.start!(REQUEST)
    fake.on('GET', `${REQUEST_URL}/status?logs=1`, () => json(404, { detail: 'Request not found' }))
    await expect(animator.status!(handle)).rejects.toMatchObject({ kind: 'job_failed', statusCode: 404, accepted: true })
  })
})
