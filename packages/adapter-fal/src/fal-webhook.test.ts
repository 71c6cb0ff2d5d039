import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { createFalJwksCache } from './fal-jwks.js'
import { verifyFalWebhook, type FalJwks } from './fal-webhook.js'

function keyPair(): { privateKey: KeyObject; jwk: { kty: string; crv: string; x: string } } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  const jwk = publicKey.export({ format: 'jwk' }) as { kty: string; crv: string; x: string }
  return { privateKey, jwk }
}

const NOW = Date.parse('2026-03-01T12:00:00Z')
const BODY = JSON.stringify({ request_id: 'req-9', gateway_request_id: 'req-9', status: 'OK', payload: { video: { url: 'https://v3.fal.media/files/x.mp4' } } })

function signedHeaders(privateKey: KeyObject, options: { body?: string; timestamp?: number; requestId?: string } = {}): Record<string, string> {
  const timestamp = String(options.timestamp ?? NOW / 1000)
  const requestId = options.requestId ?? 'req-9'
  const digest = createHash('sha256').update(options.body ?? BODY).digest('hex')
  const signature = sign(null, Buffer.from(`${requestId}\nuser-1\n${timestamp}\n${digest}`), privateKey).toString('hex')
  return {
    'x-fal-webhook-request-id': requestId,
    'x-fal-webhook-user-id': 'user-1',
    'x-fal-webhook-timestamp': timestamp,
    'x-fal-webhook-signature': signature,
  }
}

describe('verifyFalWebhook', () => {
  const trusted = keyPair()
  const other = keyPair()
  const jwks: FalJwks = { keys: [{ kty: 'RSA', n: 'abc', e: 'AQAB' }, other.jwk, trusted.jwk] }

  it('accepts a delivery signed by a key of the JWKS and returns its parsed body', () => {
    const verified = verifyFalWebhook(signedHeaders(trusted.privateKey), BODY, { jwks, now: NOW })
    expect(verified).toMatchObject({ requestId: 'req-9', userId: 'user-1', timestamp: NOW / 1000, delivery: { status: 'OK', request_id: 'req-9' } })
    expect(verifyFalWebhook(new Headers(signedHeaders(trusted.privateKey)), new TextEncoder().encode(BODY), { jwks, now: NOW }).requestId).toBe('req-9')
  })

  it('rejects a tampered body', () => {
    const headers = signedHeaders(trusted.privateKey)
    expect(() => verifyFalWebhook(headers, BODY.replace('OK', 'ERROR'), { jwks, now: NOW })).toThrow(expect.objectContaining({ kind: 'auth', rule: 'webhook-signature' }))
  })

  it('rejects a signature by a key that is not in the JWKS', () => {
    const stranger = keyPair()
    expect(() => verifyFalWebhook(signedHeaders(stranger.privateKey), BODY, { jwks, now: NOW })).toThrow(expect.objectContaining({ kind: 'auth', rule: 'webhook-signature' }))
    expect(() => verifyFalWebhook(signedHeaders(trusted.privateKey), BODY, { jwks: { keys: [{ kty: 'RSA' }] }, now: NOW })).toThrow(/no Ed25519 key/)
  })

  it('rejects stale and future timestamps beyond the tolerance', () => {
    const stale = signedHeaders(trusted.privateKey, { timestamp: NOW / 1000 - 301 })
    expect(() => verifyFalWebhook(stale, BODY, { jwks, now: NOW })).toThrow(expect.objectContaining({ rule: 'webhook-timestamp' }))
    const future = signedHeaders(trusted.privateKey, { timestamp: NOW / 1000 + 400 })
    expect(() => verifyFalWebhook(future, BODY, { jwks, now: NOW })).toThrow(expect.objectContaining({ rule: 'webhook-timestamp' }))
    expect(verifyFalWebhook(stale, BODY, { jwks, now: NOW, toleranceSeconds: 600 }).requestId).toBe('req-9')
  })

  it('rejects missing headers, malformed signatures and a signature over another request id', () => {
    const headers = signedHeaders(trusted.privateKey)
    const { ['x-fal-webhook-user-id']: _missing, ...withoutUser } = headers
    expect(() => verifyFalWebhook(withoutUser, BODY, { jwks, now: NOW })).toThrow(expect.objectContaining({ rule: 'webhook-headers' }))
    expect(() => verifyFalWebhook({ ...headers, 'x-fal-webhook-signature': 'zz' }, BODY, { jwks, now: NOW })).toThrow(expect.objectContaining({ rule: 'webhook-signature' }))
    expect(() => verifyFalWebhook({ ...headers, 'x-fal-webhook-request-id': 'req-10' }, BODY, { jwks, now: NOW })).toThrow(expect.objectContaining({ rule: 'webhook-signature' }))
  })
})

describe('createFalJwksCache', () => {
  it('fetches the keys once and reuses them', async () => {
    const trusted = keyPair()
    let requests = 0
    const server = createServer((_, response) => {
      requests += 1
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [trusted.jwk] }))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const cache = createFalJwksCache({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json` })
      const [first, second] = await Promise.all([cache.get(), cache.get()])
      expect(first).toEqual({ keys: [trusted.jwk] })
      expect(second).toBe(first)
      await cache.get()
      expect(requests).toBe(1)
      await cache.refresh()
      expect(requests).toBe(2)
      expect(verifyFalWebhook(signedHeaders(trusted.privateKey, { timestamp: Math.floor(Date.now() / 1000) }), BODY, { jwks: await cache.get() }).requestId).toBe('req-9')
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
