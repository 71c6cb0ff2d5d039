import { PortraitAnimatorError, createHttpClient, registerSecret, type HttpClient, type JobStatus } from '@portrait-animator/core'
import { validateWebhook } from 'replicate'
import { predictionSchema, type ReplicatePrediction } from './replicate-api.js'
import { DEFAULT_BASE_URL, PROVIDER } from './replicate-limits.js'
import { jobStatusOf } from './replicate-result.js'

/** Headers as a `Headers` object or a plain record (Node's `IncomingHttpHeaders` works). */
export type ReplicateWebhookHeaders = Headers | Readonly<Record<string, string | readonly string[] | undefined>>

/** A webhook call as a server received it: its headers and its raw body, before any JSON parsing. */
export interface ReplicateWebhookRequest {
  readonly headers: ReplicateWebhookHeaders
  readonly body: string | Uint8Array
}

/** Options of `verifyReplicateWebhook`. */
export interface VerifyReplicateWebhookOptions {
  /** The signing secret, `whsec_...`: `GET /v1/webhooks/default/secret` (`replicate.webhooks.default.secret.get()`). */
  readonly secret: string
  /**
   * How far `webhook-timestamp` may be from now, either way, in seconds (against replays; the
   * client's `validateWebhook` does not check it).
   * @default 300
   */
  readonly toleranceSeconds?: number
  /** The time to check against, in epoch milliseconds (tests). @default Date.now() */
  readonly now?: number
  /** The API's base URL: an output on its origin may be downloaded over plain http (the emulator). @default 'https://api.replicate.com/v1' */
  readonly baseUrl?: string
  /** US dollars per second of prediction time, to price a result. @default 0.000975 */
  readonly usdPerSecond?: number
  /** The fetch for output downloads. @default global fetch */
  readonly fetch?: typeof globalThis.fetch
}

/** A webhook call whose signature checked out. */
export interface VerifiedReplicateWebhook {
  /** `webhook-id`: the same on every retry of one event, so a receiver can drop repeats. */
  readonly webhookId: string
  /** `webhook-timestamp`, unix seconds. */
  readonly timestamp: number
  /** The prediction as Replicate sent it. */
  readonly prediction: ReplicatePrediction
  /**
   * What the prediction means for the app, as `status(handle)` would answer: `pending` while it
   * starts or runs, `completed` with the result (its MP4 downloaded on `bytes()`/`save()`), or
   * `failed` with the error kind (`no_face`, `job_failed`, `cancelled`).
   */
  readonly status: JobStatus
}

/** What turning the prediction into a status needs besides the prediction. */
export interface WebhookResultContext {
  readonly http: HttpClient
  readonly isAllowedDownload: (url: string) => boolean
  readonly usdPerSecond: number
}

/**
 * Verifies a webhook call from Replicate the Standard Webhooks way and reads the prediction it
 * carries: the `webhook-id`, `webhook-timestamp` and `webhook-signature` headers are present, the
 * timestamp is within `toleranceSeconds` of now, and the official client's `validateWebhook`
 * accepts the signature (HMAC-SHA256 of `"{id}.{timestamp}.{raw body}"` keyed with the secret).
 * Pass the body exactly as received, never re-serialised JSON; a `Request` is read whole.
 *
 * @throws PortraitAnimatorError `auth` with `rule` `webhook-headers` (a header is missing),
 *   `webhook-timestamp` (stale, future or unreadable) or `webhook-signature` (a tampered body or
 *   another secret), which a server should answer with 401; `invalid_config` without a secret;
 *   `provider_error` for a correctly signed body that is not a prediction.
 * @example
 * ```ts
 * const secret = (await new Replicate().webhooks.default.secret.get()).key
 * const { prediction, status } = await verifyReplicateWebhook({ headers: request.headers, body: rawBody }, { secret })
 * if (status.state === 'completed') await status.result.output.save(`out/${prediction.id}.mp4`)
 * ```
 */
export async function verifyReplicateWebhook(request: Request | ReplicateWebhookRequest, options: VerifyReplicateWebhookOptions): Promise<VerifiedReplicateWebhook> {
  const origin = new URL(options.baseUrl ?? DEFAULT_BASE_URL).origin
  const context: WebhookResultContext = {
    http: createHttpClient({ provider: PROVIDER, ...(options.fetch === undefined ? {} : { fetch: options.fetch }) }),
    isAllowedDownload: (url) => URL.canParse(url) && (new URL(url).protocol === 'https:' || new URL(url).origin === origin),
    usdPerSecond: options.usdPerSecond ?? 0.000975,
  }
  return verifyWebhookWith(request, options, context)
}

/** `verifyReplicateWebhook` with a provider's own HTTP client, download rule and price. */
export async function verifyWebhookWith(request: Request | ReplicateWebhookRequest, options: Pick<VerifyReplicateWebhookOptions, 'secret' | 'toleranceSeconds' | 'now'>, context: WebhookResultContext): Promise<VerifiedReplicateWebhook> {
  if (typeof options.secret !== 'string' || options.secret === '') {
    throw new PortraitAnimatorError({ kind: 'invalid_config', message: 'verifyReplicateWebhook needs the webhook signing secret (whsec_...).', provider: PROVIDER, field: 'secret' })
  }
  registerSecret(options.secret)
  const body = request instanceof Request ? await request.text() : typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body)
  const id = header(request.headers, 'webhook-id')
  const timestampText = header(request.headers, 'webhook-timestamp')
  const signature = header(request.headers, 'webhook-signature')
  if (id === undefined || timestampText === undefined || signature === undefined) {
    const missing = [['webhook-id', id], ['webhook-timestamp', timestampText], ['webhook-signature', signature]].filter(([, value]) => value === undefined).map(([name]) => name)
    throw rejection('webhook-headers', `it lacks ${missing.join(', ')}`)
  }
  const timestamp = /^\d{1,12}$/.test(timestampText) ? Number(timestampText) : Number.NaN
  const tolerance = options.toleranceSeconds ?? 300
  const skew = Math.abs((options.now ?? Date.now()) / 1000 - timestamp)
  if (!Number.isFinite(timestamp) || !(skew <= tolerance)) {
    throw rejection('webhook-timestamp', Number.isFinite(timestamp) ? `its timestamp is ${Math.round(skew)} s away from now (tolerance ${tolerance} s)` : 'its timestamp is not unix seconds')
  }
  const valid = body !== '' && (await validateWebhook({ id, timestamp: timestampText, signature, body, secret: options.secret }).catch(() => false))
  if (!valid) {
    throw rejection('webhook-signature', 'its signature does not match the body with this secret (tampered body or another secret)')
  }
  const prediction = parsePrediction(body)
  return { webhookId: id, timestamp, prediction, status: jobStatusOf(prediction, resultContext(prediction, context)) }
}

function parsePrediction(body: string): ReplicatePrediction {
  let value: unknown
  try {
    value = JSON.parse(body)
  } catch {
    value = undefined
  }
  const parsed = predictionSchema.safeParse(value)
  if (parsed.success) return parsed.data
  throw new PortraitAnimatorError({ kind: 'provider_error', message: 'A correctly signed Replicate webhook body is not a prediction.', provider: PROVIDER })
}

/** The result context of a prediction read from a webhook: timed from its own timestamps. */
function resultContext(prediction: ReplicatePrediction, context: WebhookResultContext) {
  const created = Date.parse(String(prediction['created_at'] ?? ''))
  const completed = Date.parse(String(prediction['completed_at'] ?? ''))
  const startedAt = Number.isNaN(created) ? new Date().toISOString() : new Date(created).toISOString()
  const durationMs = Number.isNaN(created) || Number.isNaN(completed) ? 0 : Math.max(0, completed - created)
  return { ...context, warnings: [], startedAt, durationMs, timings: { totalMs: durationMs } }
}

function header(headers: ReplicateWebhookHeaders, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name)?.trim() || undefined
  const direct = headers[name] ?? Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1]
  const value = Array.isArray(direct) ? (direct as readonly string[])[0] : (direct as string | undefined)
  return value?.trim() || undefined
}

function rejection(rule: string, problem: string): PortraitAnimatorError {
  return new PortraitAnimatorError({ kind: 'auth', message: `Rejected Replicate webhook: ${problem}.`, provider: PROVIDER, rule })
}
