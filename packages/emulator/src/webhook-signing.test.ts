import { createHash, createHmac, createPublicKey, verify } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createFalWebhookKeys, signFalWebhook, signMagicHourWebhook, verifyFalWebhook, verifyMagicHourWebhook } from './webhook-signing.js'

describe('fal webhook signing', () => {
  const keys = createFalWebhookKeys('seed-a')
  const body = JSON.stringify({ request_id: 'r1', status: 'OK', payload: {} })
  const timestamp = String(Math.floor(Date.now() / 1000))
  const signature = signFalWebhook(keys.privateKey, { requestId: 'r1', userId: 'u1', timestamp, body })
  const headers = {
    'x-fal-webhook-request-id': 'r1',
    'x-fal-webhook-user-id': 'u1',
    'x-fal-webhook-timestamp': timestamp,
    'x-fal-webhook-signature': signature,
  }

  it('signs ED25519 over request id, user id, timestamp and the body SHA-256, checkable with plain node:crypto', () => {
    const message = `r1\nu1\n${timestamp}\n${createHash('sha256').update(body).digest('hex')}`
    const publicKey = createPublicKey({ key: keys.jwks.keys[0]!, format: 'jwk' })
    expect(verify(null, Buffer.from(message), publicKey, Buffer.from(signature, 'hex'))).toBe(true)
  })

  it('verifies a genuine delivery and rejects a changed body, another key set, or a stale timestamp', () => {
    expect(verifyFalWebhook({ headers, body, jwks: keys.jwks })).toBe(true)
    expect(verifyFalWebhook({ headers: new Headers(headers), body: Buffer.from(body), jwks: keys.jwks })).toBe(true)
    expect(verifyFalWebhook({ headers, body: body.replace('OK', 'ERROR'), jwks: keys.jwks })).toBe(false)
    expect(verifyFalWebhook({ headers, body, jwks: createFalWebhookKeys('seed-b').jwks })).toBe(false)
    expect(verifyFalWebhook({ headers, body, jwks: keys.jwks, now: Date.now() + 10 * 60_000 })).toBe(false)
  })

  it('derives the same key from the same seed', () => {
    expect(createFalWebhookKeys('seed-a').jwks).toEqual(keys.jwks)
    expect(createFalWebhookKeys('seed-b').jwks).not.toEqual(keys.jwks)
  })
})

describe('Magic Hour webhook signing', () => {
  it('is the hex HMAC-SHA256 of "{timestamp}.{body}" with the secret', () => {
    const body = '{"type":"video.completed","payload":{}}'
    const timestamp = String(Math.floor(Date.now() / 1000))
    const expected = createHmac('sha256', 'whsec').update(`${timestamp}.${body}`).digest('hex')
    expect(signMagicHourWebhook('whsec', timestamp, body)).toBe(expected)
    const headers = { 'magic-hour-event-timestamp': timestamp, 'magic-hour-event-signature': expected }
    expect(verifyMagicHourWebhook({ headers, body, secret: 'whsec' })).toBe(true)
    expect(verifyMagicHourWebhook({ headers, body: `${body} `, secret: 'whsec' })).toBe(false)
    expect(verifyMagicHourWebhook({ headers: { ...headers, 'magic-hour-event-signature': 'zz' }, body, secret: 'whsec' })).toBe(false)
  })
})
