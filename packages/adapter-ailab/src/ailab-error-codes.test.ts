import { PortraitAnimatorError, type ErrorKind, type PortraitAnimator } from '@portrait-animator/core'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { AILAB_ERROR_CODES, type AilabErrorCode } from './ailab-error-codes.js'
import { newerError, olderError } from './ailab-fixtures.test-helpers.js'
import { createAilab } from './ailab-provider.js'
import { makePng } from './ailab-test-media.test-helpers.js'
import { startTestServer, type TestServer } from './ailab-test-server.test-helpers.js'

const RETRYABLE: ReadonlySet<ErrorKind> = new Set(['rate_limited', 'unavailable'])
const IMAGE = makePng(64, 64)
const TABLE = Object.entries(AILAB_ERROR_CODES) as [string, AilabErrorCode][]

let server: TestServer
let animator: PortraitAnimator

beforeAll(async () => {
  server = await startTestServer()
  animator = createAilab({ apiKey: 'ailab-table-key-0001', baseUrl: server.baseUrl }).livePhoto()
})
afterAll(() => server.close())
beforeEach(() => {
  server.requests.length = 0
})

async function failWith(reply: Parameters<TestServer['reply']>[0], motion: { framing?: 'head' | 'full-body' } = {}): Promise<PortraitAnimatorError> {
  server.requests.length = 0
  server.reply(reply)
  const error = await animator.animate({ image: IMAGE, motion: { type: 'preset', preset: 'live-photo', ...motion } }).then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(server.requests).toHaveLength(1)
  if (!PortraitAnimatorError.isInstance(error)) throw new Error(`expected a PortraitAnimatorError, got ${String(error)}`)
  return error
}

function expectMapped(error: PortraitAnimatorError, code: string, entry: AilabErrorCode): void {
  expect(error).toMatchObject({
    kind: entry.kind,
    provider: 'ailab',
    modelId: 'live-photo',
    providerCode: code,
    statusCode: entry.status,
    requestId: `req-${code.toLowerCase()}`,
    retryable: RETRYABLE.has(entry.kind),
    accepted: false,
  })
  if (entry.kind === 'invalid_input') expect(error.field).toBe(entry.field)
  else expect(error.field).toBeUndefined()
  expect(error.message).toContain(`Message for ${code}`)
}

describe('every documented error_detail.code', () => {
  it('covers the 124 codes of the response-description table', () => {
    expect(TABLE).toHaveLength(124)
  })

  it.each(TABLE)('%s in the older envelope at its documented status', async (code, entry) => {
    expectMapped(await failWith({ status: entry.status, body: olderError(entry.status, code) }), code, entry)
  })

  it.each(TABLE)('%s in the newer envelope (code only) at its documented status', async (code, entry) => {
    expectMapped(await failWith({ status: entry.status, body: newerError(code) }), code, entry)
  })
})

describe('the mapping decisions that matter most to a router', () => {
  it.each([
    ['ERROR_USER_NOT_EXISTS', 401, 'auth'],
    ['ERROR_USER_LOCKED', 403, 'auth'],
    ['ERROR_AI_NOT_EXISTS', 404, 'retired'],
    ['AI_SERVICE_NOT_FOUND', 404, 'retired'],
    ['ERROR_NO_FACE_IN_FILE', 422, 'no_face'],
    ['ERROR_NOT_ENOUGH_CREDITS', 429, 'insufficient_credits'],
    ['EXCEEDING_LIMITS', 422, 'rate_limited'],
    ['AI_SERVICE_FLOW_RESTRICTION', 503, 'rate_limited'],
    ['FILE_SIZE_EXCEEDS_LIMIT', 413, 'invalid_input'],
    ['UNSUPPORTED_FILE_TYPES', 415, 'invalid_input'],
    ['SERVICE_INTERNAL_ERROR', 500, 'unavailable'],
  ] as const)('%s (HTTP %i) is %s', async (code, status, kind) => {
    expect((await failWith({ status, body: olderError(status, code) })).kind).toBe(kind)
  })

  it('maps by code, not status: EXCEEDING_LIMITS at 429 (as the SDK lists it) and PROCESSING_FAILURE at 500', async () => {
    expect(await failWith({ status: 429, body: olderError(429, 'EXCEEDING_LIMITS') })).toMatchObject({ kind: 'rate_limited', statusCode: 429 })
    expect(await failWith({ status: 500, body: olderError(500, 'PROCESSING_FAILURE') })).toMatchObject({ kind: 'unavailable', statusCode: 500 })
  })

  it('names the type parameter by where it came from', async () => {
    expect(await failWith({ status: 422, body: olderError(422, 'UNSUPPORTED_PARAMETER_VALUES') }, { framing: 'full-body' })).toMatchObject({
      kind: 'invalid_input',
      field: 'motion.framing',
    })
    server.reply({ status: 422, body: newerError('ERROR_INVALID_PARAMETER') })
    const error = await animator
      .animate({ image: IMAGE, motion: { type: 'preset', preset: 'live-photo' }, providerOptions: { ailab: { type: 1 } } })
      .catch((caught: unknown) => caught)
    expect(error).toMatchObject({ kind: 'invalid_input', field: 'providerOptions.ailab.type' })
  })

  it('says what the retirement means and where to go', async () => {
    const error = await failWith({ status: 404, body: olderError(404, 'ERROR_AI_NOT_EXISTS') })
    expect(error.message).toMatch(/permanently discontinued/)
    expect(error.message).toContain('fal/live-portrait')
  })

  it('falls back to the older error_code_str when error_detail has no code', async () => {
    const body = { request_id: 'req-x', error_code: 429, error_code_str: 'ERROR_NOT_ENOUGH_CREDITS', error_msg: 'Insufficient credits.' }
    expect(await failWith({ status: 429, body })).toMatchObject({ kind: 'insufficient_credits', providerCode: 'ERROR_NOT_ENOUGH_CREDITS', requestId: 'req-x' })
  })

  it('keeps an unknown code raw as provider_error, unless its status says the service is down or busy', async () => {
    expect(await failWith({ status: 400, body: olderError(400, 'ERROR_BRAND_NEW_THING') })).toMatchObject({
      kind: 'provider_error',
      providerCode: 'ERROR_BRAND_NEW_THING',
      statusCode: 400,
      accepted: false,
      retryable: false,
    })
    expect(await failWith({ status: 503, body: newerError('ERROR_BRAND_NEW_OUTAGE') })).toMatchObject({ kind: 'unavailable', providerCode: 'ERROR_BRAND_NEW_OUTAGE', retryable: true })
    expect(await failWith({ status: 401, body: newerError('ERROR_BRAND_NEW_KEY_PROBLEM') })).toMatchObject({ kind: 'auth', providerCode: 'ERROR_BRAND_NEW_KEY_PROBLEM' })
  })

  it('tolerates an envelope with wrong-typed fields', async () => {
    const body = { request_id: 12345, error_code: '422', error_detail: { code: 'ERROR_BLURRY_FACE', status_code: 'n/a', code_message: null } }
    expect(await failWith({ status: 422, body })).toMatchObject({ kind: 'no_face', providerCode: 'ERROR_BLURRY_FACE', requestId: '12345', statusCode: 422 })
  })
})
