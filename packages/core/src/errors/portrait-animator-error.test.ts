import { format, inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { PortraitAnimatorError } from './portrait-animator-error.js'
import { registerSecret } from './redact.js'
import { abortError, toPortraitAnimatorError } from './to-portrait-animator-error.js'

describe('PortraitAnimatorError', () => {
  it('carries the taxonomy fields and defaults retryable from the kind', () => {
    const error = new PortraitAnimatorError({ kind: 'rate_limited', message: 'Slow down.', provider: 'fal', retryAfterMs: 2000, statusCode: 429 })
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('PortraitAnimatorError')
    expect(error.kind).toBe('rate_limited')
    expect(error.retryable).toBe(true)
    expect(error.retryAfterMs).toBe(2000)
    expect(new PortraitAnimatorError({ kind: 'auth', message: 'Bad key.' }).retryable).toBe(false)
    expect(new PortraitAnimatorError({ kind: 'unavailable', message: 'Down.', retryable: false }).retryable).toBe(false)
  })

  it('with() copies every field and the cause, replacing only what it is given', () => {
    const cause = new Error('socket hang up')
    const original = new PortraitAnimatorError({ kind: 'invalid_input', message: 'Too big.', field: 'image', rule: 'max-bytes', limit: 5, actual: 6, statusCode: 413, cause })
    const copy = original.with({ provider: 'ailab', modelId: 'live-photo', accepted: false })
    expect(copy).not.toBe(original)
    expect(copy).toMatchObject({ kind: 'invalid_input', message: 'Too big.', field: 'image', rule: 'max-bytes', limit: 5, actual: 6, statusCode: 413, provider: 'ailab', modelId: 'live-photo', accepted: false, retryable: false })
    expect(copy.cause).toBe(cause)
    expect(original.provider).toBeUndefined()
  })

  it('recognises an error made by another copy of the package', () => {
    const foreign = Object.assign(new Error('x'), { [Symbol.for('portrait-animator.error')]: true })
    expect(PortraitAnimatorError.isInstance(foreign)).toBe(true)
    expect(PortraitAnimatorError.isInstance(new Error('x'))).toBe(false)
    expect(PortraitAnimatorError.isInstance(null)).toBe(false)
  })

  it('keeps the cause and serialises it for logs', () => {
    const cause = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })
    const error = new PortraitAnimatorError({ kind: 'unavailable', message: 'Connection lost.', cause })
    expect(error.cause).toBe(cause)
    expect(error.toJSON()).toMatchObject({ kind: 'unavailable', retryable: true, cause: { message: 'socket hang up', code: 'ECONNRESET' } })
  })

  it('wraps foreign errors by what they mean', () => {
    expect(toPortraitAnimatorError(new DOMException('x', 'AbortError')).kind).toBe('cancelled')
    expect(toPortraitAnimatorError(new DOMException('x', 'TimeoutError')).kind).toBe('timeout')
    expect(toPortraitAnimatorError(new TypeError('boom'), { provider: 'fal' })).toMatchObject({ kind: 'provider_error', provider: 'fal', message: 'boom' })
    const controller = new AbortController()
    controller.abort()
    expect(abortError(controller.signal).kind).toBe('cancelled')
  })
})

describe('secret scrubbing', () => {
  const apiKey = 'sk_live_9f8e7d6c5b4a39281706'
  const falKey = 'a1b2c3d4-e5f6-7890-abcd-ef0123456789:0f1e2d3c4b5a69788796a5b4c3d2e1f0'
  registerSecret(apiKey)

  const leaks = [
    `request failed with key ${apiKey}`,
    `Authorization: Bearer ${'tok_' + 'x'.repeat(30)}`,
    `headers {"authorization":"Key ${falKey}"}`,
    `ailabapi-api-key: ${'q'.repeat(24)}`,
    'GET https://videos.magichour.ai/abc/output.mp4?X-Amz-Signature=deadbeefcafe&X-Amz-Credential=AKIAXXXX failed',
    'POST https://api.example.com/v1/run?api_key=zzzzzzzzzzzz returned 500',
    'fetch https://someone:hunter2hunter2@images.example.com/me.jpg failed',
  ]
  const secrets = [apiKey, 'x'.repeat(30), falKey, falKey.split(':')[1]!, 'q'.repeat(24), 'deadbeefcafe', 'AKIAXXXX', 'zzzzzzzzzzzz', 'hunter2hunter2', 'someone']

  it.each(leaks)('never lets a secret through: %s', (text) => {
    const cause = new Error(text)
    const error = new PortraitAnimatorError({ kind: 'provider_error', message: text, cause, actual: text })
    const surfaces = [error.message, String(error), error.stack ?? '', JSON.stringify(error.toJSON()), JSON.stringify(error)]
    for (const surface of surfaces) {
      for (const secret of secrets) expect(surface).not.toContain(secret)
    }
    expect(error.message).toContain('[redacted]')
  })

  it('masks properties named like secrets in nested values', () => {
    const error = new PortraitAnimatorError({ kind: 'auth', message: 'no', cause: { headers: { apiKey: 'plain-value-123' } } })
    expect(JSON.stringify(error.toJSON())).not.toContain('plain-value-123')
  })

  it('leaves ordinary text alone', () => {
    const error = new PortraitAnimatorError({ kind: 'invalid_input', message: 'image is 6000x6000 px; the limit is 4096x4096 px', field: 'image' })
    expect(error.message).toBe('image is 6000x6000 px; the limit is 4096x4096 px')
  })
})

describe('showing an error', () => {
  const key = 'inspect-key-first\nline-two-4711:half-secret-0815'
  registerSecret(key)
  const parts = ['inspect-key-first', 'line-two-4711', 'half-secret-0815']

  function everySurface(error: PortraitAnimatorError): string[] {
    return [error.message, String(error), error.stack ?? '', JSON.stringify(error), inspect(error, { depth: 10 }), format('%s %o %O', error, error, error)]
  }

  it('scrubs the cause chain in util.inspect, console.error formatting, String and JSON', () => {
    const root = Object.assign(new TypeError(`Headers.append: "Key ${key}" is an invalid header value.`), { code: 'ERR_INVALID_HEADER', headers: { authorization: `Key ${key}` } })
    const middle = new Error(`request failed: ${root.message}`, { cause: root })
    const error = new PortraitAnimatorError({ kind: 'provider_error', message: 'fal could not be reached.', cause: middle })
    for (const surface of everySurface(error)) {
      for (const part of parts) expect(surface).not.toContain(part)
    }
    expect(inspect(error, { depth: 10 })).toContain('ERR_INVALID_HEADER')
    expect(inspect(error, { depth: 10 })).toContain('fal could not be reached.')
  })

  it('keeps a clean cause as it is and never changes a shared one', () => {
    const clean = new Error('socket hang up')
    expect(new PortraitAnimatorError({ kind: 'unavailable', message: 'x', cause: clean }).cause).toBe(clean)
    const shared = new TypeError(`bad header ${key}`)
    const error = new PortraitAnimatorError({ kind: 'provider_error', message: 'x', cause: shared })
    expect(shared.message).toContain(key)
    expect(error.cause).not.toBe(shared)
    expect(error.cause).toBeInstanceOf(TypeError)
    expect((error.cause as Error).message).toBe('bad header [redacted]')
  })
})

describe('a scrubbed copy of a cause', () => {
  const key = 'copy-key-secret-6060'
  registerSecret(key)

  it('keeps the class, code and chain, and works for errors whose text lives in getters (DOMException)', () => {
    const inner = new DOMException(`header ${key} refused`, 'SyntaxError')
    const outer = Object.assign(new TypeError(`fetch failed for ${key}`, { cause: inner }), { code: 'ERR_X' })
    const error = new PortraitAnimatorError({ kind: 'provider_error', message: 'x', cause: outer })
    const cause = error.cause as TypeError & { code: string; cause: DOMException }
    expect(cause).toBeInstanceOf(TypeError)
    expect(cause).toMatchObject({ name: 'TypeError', message: 'fetch failed for [redacted]', code: 'ERR_X' })
    expect(cause.cause).toBeInstanceOf(DOMException)
    expect(cause.cause.name).toBe('SyntaxError')
    expect(cause.cause.message).toBe('header [redacted] refused')
    expect(inspect(error, { depth: 10 })).not.toContain(key)
    expect(outer.message).toContain(key)
    expect(inner.message).toContain(key)
  })
})
