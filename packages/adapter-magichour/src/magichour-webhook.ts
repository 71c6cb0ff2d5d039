import { createHmac, timingSafeEqual } from 'node:crypto'
import { PortraitAnimatorError, registerSecret } from '@portrait-animator/core'
import { z } from 'zod'
import { PROVIDER } from './magichour-limits.js'

/** Header carrying the hex HMAC-SHA256 of `"{timestamp}.{raw body}"`. */
export const SIGNATURE_HEADER = 'magic-hour-event-signature'
/** Header carrying the event's unix time in seconds. */
export const TIMESTAMP_HEADER = 'magic-hour-event-timestamp'

/** Options of `verifyMagicHourWebhook`. */
export interface MagicHourWebhookOptions {
  /** The webhook's signing secret from the Magic Hour Developer Hub. */
  readonly secret: string
  /**
   * Largest accepted distance between the event's timestamp and now, in seconds (against replays).
   * @default 300
   */
  readonly toleranceSeconds?: number
  /** The clock, in milliseconds since the epoch (for tests). @default Date.now */
  readonly now?: () => number
}

/** A verified event: `video.completed`, `video.errored`, `video.started`, `image.*`, `audio.*`. */
export interface MagicHourWebhookEvent {
  readonly type: string
  /** The project, shaped like `GET /v1/video-projects/{id}` (or the image/audio project). */
  readonly payload: { readonly id: string; readonly status?: string; readonly [key: string]: unknown }
}

/** Request headers as a `Headers` object or a plain record (Node's `IncomingHttpHeaders`). */
export type WebhookHeaders = Headers | Readonly<Record<string, string | readonly string[] | undefined>>

const eventSchema = z.looseObject({
  type: z.string().min(1),
  payload: z.looseObject({ id: z.string().min(1), status: z.string().optional() }),
})

/**
 * Verifies a Magic Hour webhook delivery and returns its event. Pass the body exactly as received
 * (before any JSON parsing): the signature covers the raw bytes.
 *
 * Checks, in order: both headers are present; the timestamp is within `toleranceSeconds` of now;
 * the signature equals the HMAC-SHA256 (hex) of `"{timestamp}.{raw body}"` keyed with `secret`,
 * compared in constant time. A delivery that fails any of them is not proven to come from Magic
 * Hour: it throws a `PortraitAnimatorError` of kind `auth` (rule `webhook-signature` or
 * `webhook-timestamp`), which a server should answer with 401.
 *
 * @throws PortraitAnimatorError `auth` for a missing, wrong or stale signature; `invalid_config`
 *   without a secret; `provider_error` for a correctly signed body that is not an event.
 * @example
 * ```ts
 * const event = verifyMagicHourWebhook(request.headers, rawBody, { secret: process.env.MAGIC_HOUR_WEBHOOK_SECRET! })
 * if (event.type === 'video.completed') await resume(event.payload.id)
 * ```
 */
export function verifyMagicHourWebhook(headers: WebhookHeaders, rawBody: string | Uint8Array, options: MagicHourWebhookOptions): MagicHourWebhookEvent {
  if (typeof options.secret !== 'string' || options.secret === '') {
    throw new PortraitAnimatorError({ kind: 'invalid_config', message: 'verifyMagicHourWebhook needs the webhook secret.', provider: PROVIDER })
  }
  registerSecret(options.secret)
  const signature = header(headers, SIGNATURE_HEADER)
  const timestamp = header(headers, TIMESTAMP_HEADER)
  if (signature === undefined || timestamp === undefined) {
    throw rejected('webhook-signature', `the ${signature === undefined ? SIGNATURE_HEADER : TIMESTAMP_HEADER} header is missing`)
  }
  const seconds = /^\d{1,15}$/.test(timestamp) ? Number(timestamp) : Number.NaN
  const toleranceSeconds = options.toleranceSeconds ?? 300
  const nowSeconds = (options.now ?? Date.now)() / 1000
  if (!Number.isFinite(seconds) || Math.abs(nowSeconds - seconds) > toleranceSeconds) {
    throw rejected('webhook-timestamp', `the timestamp is not within ${toleranceSeconds} s of now`)
  }
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength)
  const expected = createHmac('sha256', options.secret).update(`${timestamp}.`).update(body).digest()
  const given = /^[0-9a-f]{64}$/i.test(signature) ? Buffer.from(signature, 'hex') : Buffer.alloc(0)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw rejected('webhook-signature', 'the signature does not match the body')
  }
  let value: unknown
  try {
    value = JSON.parse(body.toString('utf8'))
  } catch {
    value = undefined
  }
  const parsed = eventSchema.safeParse(value)
  if (!parsed.success) {
    throw new PortraitAnimatorError({ kind: 'provider_error', message: 'A correctly signed Magic Hour webhook body is not an event ({type, payload}).', provider: PROVIDER })
  }
  return parsed.data as MagicHourWebhookEvent
}

/** A header by name, whatever its case; the first value when repeated. */
function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name)?.trim() ?? undefined
  for (const [key, value] of Object.entries(headers as Readonly<Record<string, string | readonly string[] | undefined>>)) {
    if (key.toLowerCase() !== name) continue
    const first = Array.isArray(value) ? (value as readonly string[])[0] : (value as string | undefined)
    return first?.trim()
  }
  return undefined
}

function rejected(rule: string, reason: string): PortraitAnimatorError {
  return new PortraitAnimatorError({
    kind: 'auth',
    message: `Magic Hour webhook rejected: ${reason}.`,
    provider: PROVIDER,
    rule,
  })
}
