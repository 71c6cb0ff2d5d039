import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto'
import { PortraitAnimatorError } from '@portrait-animator/core'
import { z } from 'zod'

/** One key of a JSON Web Key Set. fal signs with Ed25519 keys (`kty: 'OKP'`, `crv: 'Ed25519'`). */
export interface FalJsonWebKey {
  readonly kty?: string
  readonly crv?: string
  /** The public key, base64url. */
  readonly x?: string
  readonly kid?: string
  readonly [member: string]: unknown
}

/** A JSON Web Key Set, as fal publishes it at `/.well-known/jwks.json`. */
export interface FalJwks {
  readonly keys: readonly FalJsonWebKey[]
}

/** Headers as a `Headers` object or a plain record (Node's `IncomingHttpHeaders` works). */
export type FalWebhookHeaders = Headers | Readonly<Record<string, string | readonly string[] | undefined>>

/** Options of `verifyFalWebhook`. */
export interface VerifyFalWebhookOptions {
  /** The keys to trust, e.g. from `createFalJwksCache().get()`. */
  readonly jwks: FalJwks
  /**
   * How far the `X-Fal-Webhook-Timestamp` may be from now, either way, in seconds.
   * @default 300
   */
  readonly toleranceSeconds?: number
  /** The time to check against, in epoch milliseconds (tests). @default Date.now() */
  readonly now?: number
}

/** The body fal posts to a webhook. */
export interface FalWebhookDelivery {
  readonly request_id: string
  readonly gateway_request_id?: string
  /** `OK` when the request succeeded, `ERROR` when it failed. */
  readonly status: 'OK' | 'ERROR'
  /** The model output, or the error body (e.g. `{ detail: [...] }`). */
  readonly payload?: unknown
  /** e.g. `Invalid status code: 422`. */
  readonly error?: string
  /** Set when the payload could not be serialised. */
  readonly payload_error?: string
}

/** A webhook call whose signature checked out. */
export interface VerifiedFalWebhook {
  readonly requestId: string
  readonly userId: string
  /** Unix seconds, as signed. */
  readonly timestamp: number
  /** The parsed body, when it is the JSON fal documents (`undefined` otherwise). */
  readonly delivery: FalWebhookDelivery | undefined
}

const deliverySchema = z.looseObject({
  request_id: z.string(),
  gateway_request_id: z.string().optional(),
  status: z.enum(['OK', 'ERROR']),
  payload: z.unknown().optional(),
  error: z.string().optional(),
  payload_error: z.string().optional(),
})

/**
 * Verifies a webhook call from fal the documented way: an ED25519 signature (hex, header
 * `X-Fal-Webhook-Signature`) over
 * `"{X-Fal-Webhook-Request-Id}\n{X-Fal-Webhook-User-Id}\n{X-Fal-Webhook-Timestamp}\n{sha256_hex(rawBody)}"`,
 * made by one of the JWKS keys, with a timestamp within `toleranceSeconds` of now.
 *
 * Pass the body exactly as received (bytes or string), never re-serialised JSON.
 *
 * @throws PortraitAnimatorError `auth` with `rule` `webhook-headers` (a header is missing),
 *   `webhook-timestamp` (stale, future or unreadable), or `webhook-signature` (malformed, or made by
 *   no key of the JWKS: a tampered body, or an unknown key).
 * @example
 * ```ts
 * const jwks = await createFalJwksCache().get()
 * const webhook = verifyFalWebhook(request.headers, rawBody, { jwks })
 * console.log(webhook.requestId, webhook.delivery?.status)
 * ```
 */
export function verifyFalWebhook(headers: FalWebhookHeaders, rawBody: string | Uint8Array, options: VerifyFalWebhookOptions): VerifiedFalWebhook {
  const requestId = header(headers, 'x-fal-webhook-request-id')
  const userId = header(headers, 'x-fal-webhook-user-id')
  const timestampText = header(headers, 'x-fal-webhook-timestamp')
  const signature = header(headers, 'x-fal-webhook-signature')
  const missing = [
    ['X-Fal-Webhook-Request-Id', requestId],
    ['X-Fal-Webhook-User-Id', userId],
    ['X-Fal-Webhook-Timestamp', timestampText],
    ['X-Fal-Webhook-Signature', signature],
  ].filter(([, value]) => !value)
  if (missing.length > 0 || !requestId || !userId || !timestampText || !signature) {
    throw rejection('webhook-headers', `the fal webhook lacks ${missing.map(([name]) => name).join(', ')}`)
  }
  const timestamp = /^\d{1,12}$/.test(timestampText.trim()) ? Number(timestampText.trim()) : Number.NaN
  const tolerance = options.toleranceSeconds ?? 300
  const skew = Math.abs((options.now ?? Date.now()) / 1000 - timestamp)
  if (!Number.isFinite(timestamp) || !(skew <= tolerance)) {
    throw rejection('webhook-timestamp', Number.isFinite(timestamp) ? `the fal webhook timestamp is ${Math.round(skew)} s away from now (tolerance ${tolerance} s)` : 'the fal webhook timestamp is not unix seconds')
  }
  if (!/^(?:[0-9a-f]{2}){64}$/i.test(signature.trim())) throw rejection('webhook-signature', 'the fal webhook signature is not 64 bytes of hex')
  const digest = createHash('sha256').update(rawBody).digest('hex')
  const message = Buffer.from(`${requestId}\n${userId}\n${timestampText}\n${digest}`, 'utf8')
  const signatureBytes = Buffer.from(signature.trim(), 'hex')
  const keys = ed25519Keys(options.jwks)
  if (keys.length === 0) throw rejection('webhook-signature', 'the JWKS holds no Ed25519 key to check the fal webhook with')
  if (!keys.some((key) => verify(null, message, key, signatureBytes))) {
    throw rejection('webhook-signature', 'the fal webhook signature was not made by any key of the JWKS (tampered body or unknown key)')
  }
  return { requestId, userId, timestamp, delivery: parseDelivery(rawBody) }
}

/** The usable Ed25519 public keys of a JWKS; other key types are ignored. */
function ed25519Keys(jwks: FalJwks): KeyObject[] {
  const keys: KeyObject[] = []
  for (const jwk of Array.isArray(jwks?.keys) ? jwks.keys : []) {
    if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') continue
    try {
      keys.push(createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' }))
    } catch {
      // A malformed key can verify nothing; the others may still.
    }
  }
  return keys
}

function parseDelivery(rawBody: string | Uint8Array): FalWebhookDelivery | undefined {
  try {
    const text = typeof rawBody === 'string' ? rawBody : new TextDecoder().decode(rawBody)
    const parsed = deliverySchema.safeParse(JSON.parse(text))
    return parsed.success ? (parsed.data as FalWebhookDelivery) : undefined
  } catch {
    return undefined
  }
}

function header(headers: FalWebhookHeaders, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined
  const direct = headers[name] ?? Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1]
  const value = Array.isArray(direct) ? (direct as readonly string[])[0] : (direct as string | undefined)
  return value === undefined || value === '' ? undefined : value
}

function rejection(rule: string, problem: string): PortraitAnimatorError {
  return new PortraitAnimatorError({ kind: 'auth', message: `Rejected webhook: ${problem}.`, provider: 'fal', rule })
}
