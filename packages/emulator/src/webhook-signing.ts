import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  sign,
  timingSafeEqual,
  verify,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto'

/** A JSON Web Key Set, as served at `/.well-known/jwks.json`. */
export interface JsonWebKeySet {
  readonly keys: readonly (JsonWebKey & { readonly kid?: string; readonly alg?: string; readonly use?: string })[]
}

/** The emulator's fal webhook signing key and its public JWKS. */
export interface FalWebhookKeys {
  readonly privateKey: KeyObject
  readonly jwks: JsonWebKeySet
}

/** Headers as a `Headers` object or a plain record (Node's `IncomingHttpHeaders` works). */
export type HeaderSource = Headers | Readonly<Record<string, string | string[] | undefined>>

function header(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined
  const value = headers[name] ?? headers[name.toLowerCase()]
  return Array.isArray(value) ? value[0] : value
}

// PKCS#8 DER prefix for a raw 32-byte Ed25519 seed.
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')

/** Derives the Ed25519 key pair from the emulator seed, so the same seed gives the same JWKS. */
export function createFalWebhookKeys(seed: number | string): FalWebhookKeys {
  const secret = createHash('sha256').update(`fal-webhook/${seed}`).digest()
  const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, secret]), format: 'der', type: 'pkcs8' })
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' })
  const kid = createHash('sha256').update(jwk.x ?? '').digest('hex').slice(0, 16)
  return { privateKey, jwks: { keys: [{ ...jwk, kid, alg: 'EdDSA', use: 'sig' }] } }
}

/** The bytes fal signs: `"{request_id}\n{user_id}\n{timestamp}\n{sha256_hex(body)}"`. */
export function falWebhookMessage(requestId: string, userId: string, timestamp: string, body: string | Uint8Array): Buffer {
  const digest = createHash('sha256').update(body).digest('hex')
  return Buffer.from(`${requestId}\n${userId}\n${timestamp}\n${digest}`, 'utf8')
}

/** Signs a fal webhook delivery; returns the hex `X-Fal-Webhook-Signature`. */
export function signFalWebhook(
  privateKey: KeyObject,
  delivery: { readonly requestId: string; readonly userId: string; readonly timestamp: string; readonly body: string | Uint8Array },
): string {
  return sign(null, falWebhookMessage(delivery.requestId, delivery.userId, delivery.timestamp, delivery.body), privateKey).toString('hex')
}

/**
 * Checks a fal webhook the way fal documents it: ED25519 over request id, user id, timestamp and
 * the body's SHA-256, with a key from the JWKS, and a timestamp within `toleranceSeconds`.
 *
 * @example
 * ```ts
 * const jwks = await (await fetch(`${emulator.baseUrl}/.well-known/jwks.json`)).json()
 * verifyFalWebhook({ headers: request.headers, body: rawBody, jwks }) // true
 * ```
 */
export function verifyFalWebhook(input: {
  readonly headers: HeaderSource
  readonly body: string | Uint8Array
  readonly jwks: JsonWebKeySet
  /** @default 300 */
  readonly toleranceSeconds?: number
  /** Epoch milliseconds. @default Date.now() */
  readonly now?: number
}): boolean {
  const requestId = header(input.headers, 'x-fal-webhook-request-id')
  const userId = header(input.headers, 'x-fal-webhook-user-id')
  const timestamp = header(input.headers, 'x-fal-webhook-timestamp')
  const signature = header(input.headers, 'x-fal-webhook-signature')
  if (!requestId || !userId || !timestamp || !signature || !/^[0-9a-f]+$/i.test(signature)) return false
  const age = Math.abs((input.now ?? Date.now()) / 1000 - Number(timestamp))
  if (!(age <= (input.toleranceSeconds ?? 300))) return false
  const message = falWebhookMessage(requestId, userId, timestamp, input.body)
  return input.jwks.keys.some((jwk) => {
    try {
      return verify(null, message, createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(signature, 'hex'))
    } catch {
      return false
    }
  })
}

/** Magic Hour's signature: hex HMAC-SHA256 of `"{timestamp}.{raw_body}"` with the webhook secret. */
export function signMagicHourWebhook(secret: string, timestamp: string, body: string | Uint8Array): string {
  return createHmac('sha256', secret)
    .update(`${timestamp}.`)
    .update(body)
    .digest('hex')
}

/**
 * Checks the `magic-hour-event-signature` and `magic-hour-event-timestamp` headers.
 *
 * @example
 * ```ts
 * verifyMagicHourWebhook({ headers: request.headers, body: rawBody, secret: 'whsec_test' }) // true
 * ```
 */
export function verifyMagicHourWebhook(input: {
  readonly headers: HeaderSource
  readonly body: string | Uint8Array
  readonly secret: string
  /** @default 300 */
  readonly toleranceSeconds?: number
  /** Epoch milliseconds. @default Date.now() */
  readonly now?: number
}): boolean {
  const timestamp = header(input.headers, 'magic-hour-event-timestamp')
  const signature = header(input.headers, 'magic-hour-event-signature')
  if (!timestamp || !signature) return false
  const age = Math.abs((input.now ?? Date.now()) / 1000 - Number(timestamp))
  if (!(age <= (input.toleranceSeconds ?? 300))) return false
  const expected = Buffer.from(signMagicHourWebhook(input.secret, timestamp, input.body), 'hex')
  const given = Buffer.from(signature, 'hex')
  return given.length === expected.length && timingSafeEqual(given, expected)
}
