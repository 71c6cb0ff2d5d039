import { PortraitAnimatorError, toPortraitAnimatorError, type ErrorKind } from '@portrait-animator/core'
import { PROVIDER } from './replicate-limits.js'

/** Which API call failed: it decides `accepted` and what a 404 means. */
export type ReplicateOperation = 'create' | 'get' | 'cancel' | 'download'

/** The kind of each HTTP status Replicate answers with (RFC 7807 problem bodies). */
export const REPLICATE_STATUS_KINDS: Readonly<Record<number, ErrorKind>> = {
  400: 'invalid_input',
  401: 'auth',
  402: 'insufficient_credits',
  403: 'auth',
  422: 'invalid_input',
  429: 'rate_limited',
}

interface ApiErrorLike {
  readonly message: string
  readonly response: { readonly status: number; readonly headers: { get(name: string): string | null } }
}

function isApiError(error: unknown): error is ApiErrorLike {
  const response = (error as { response?: { status?: unknown } } | undefined)?.response
  return error instanceof Error && typeof response?.status === 'number'
}

/** `Retry-After` in milliseconds (seconds or an HTTP date), or `undefined`. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/** The problem's `detail` (or `title`) from the client's message `...: {json}.`, if any. */
function detailOf(message: string): string | undefined {
  const json = /(\{.*\})\.?$/s.exec(message)?.[1]
  if (json === undefined) return undefined
  try {
    const body = JSON.parse(json) as { detail?: unknown; title?: unknown }
    return typeof body.detail === 'string' ? body.detail : typeof body.title === 'string' ? body.title : undefined
  } catch {
    return undefined
  }
}

function kindOf(status: number, operation: ReplicateOperation): ErrorKind {
  if (status === 404) return operation === 'create' ? 'invalid_config' : 'provider_error'
  if (status >= 500) return 'unavailable'
  return REPLICATE_STATUS_KINDS[status] ?? 'provider_error'
}

/**
 * Turns a failure of the official client into a `PortraitAnimatorError`: 401/403 `auth`, 402
 * `insufficient_credits`, 400/422 `invalid_input`, 429 `rate_limited` (with `retryAfterMs`), 5xx
 * `unavailable`, a 404 on create `invalid_config` (no such model or version). A create refused
 * with a 4xx was not accepted; a 5xx may have been.
 */
export function replicateError(error: unknown, context: { readonly modelId: string; readonly operation: ReplicateOperation; readonly requestId?: string }): PortraitAnimatorError {
  if (PortraitAnimatorError.isInstance(error)) return error
  const base = { provider: PROVIDER, modelId: context.modelId, ...(context.requestId === undefined ? {} : { requestId: context.requestId }) }
  if (!isApiError(error)) {
    const name = (error as { name?: unknown } | undefined)?.name
    if (name === 'AbortError' || name === 'TimeoutError' || !(error instanceof Error)) return toPortraitAnimatorError(error, base)
    // No answer (a reset, a refused connection): a create may have been accepted.
    return new PortraitAnimatorError({
      kind: 'unavailable',
      message: `Replicate ${context.operation} got no answer: ${error.message}`,
      ...base,
      accepted: context.operation === 'create' ? 'unknown' : true,
      cause: error,
    })
  }
  const status = error.response.status
  const kind = kindOf(status, context.operation)
  const detail = detailOf(error.message) ?? `HTTP ${status}`
  const after = status === 429 || status === 503 ? retryAfterMs(error.response.headers.get('retry-after')) : undefined
  const accepted = context.operation === 'create' ? (status >= 500 ? 'unknown' : false) : true
  return new PortraitAnimatorError({
    kind,
    message: `Replicate ${context.operation} failed (${status}): ${detail}`,
    ...base,
    statusCode: status,
    accepted,
    ...(after === undefined ? {} : { retryAfterMs: after }),
    cause: error,
  })
}

/** A prediction that ended `failed`: `no_face` when the model found no face, else `job_failed`. */
export function predictionFailed(id: string, message: string | null | undefined, modelId: string): PortraitAnimatorError {
  const text = message?.trim() || 'no error message'
  const kind: ErrorKind = /no face|face (?:was )?not (?:found|detected)|no .*face detected/i.test(text) ? 'no_face' : 'job_failed'
  return new PortraitAnimatorError({ kind, message: `Replicate prediction ${id} failed: ${text}`, provider: PROVIDER, modelId, requestId: id, providerCode: 'failed', accepted: true })
}

/** A prediction that ended `canceled` (by someone else, or an earlier cancel). */
export function predictionCanceled(id: string, modelId: string): PortraitAnimatorError {
  return new PortraitAnimatorError({ kind: 'cancelled', message: `Replicate prediction ${id} was canceled.`, provider: PROVIDER, modelId, requestId: id, providerCode: 'canceled', accepted: true })
}
