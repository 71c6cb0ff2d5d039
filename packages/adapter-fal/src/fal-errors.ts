import { ApiError } from '@fal-ai/client'
import { abortError, networkError, networkErrorCode, parseRetryAfter, PortraitAnimatorError, type ErrorKind } from '@portrait-animator/core'
import type { FalExchange } from './fal-call.js'
import { requestFieldForFalExpression } from './fal-expression.js'
import { FalUnretriedFailure } from './fal-unretried-failure.js'

/** What the adapter was doing when fal failed. */
export type FalOperation = 'upload' | 'submit' | 'status' | 'result' | 'cancel'

/**
 * fal's infrastructure `error_type` values (body `error_type` or header `X-Fal-Error-Type`) and the
 * kind each maps to. Source: fal docs, "Request errors".
 */
export const FAL_ERROR_TYPE_KINDS: Readonly<Record<string, ErrorKind>> = {
  request_timeout: 'timeout',
  startup_timeout: 'unavailable',
  runner_scheduling_failure: 'unavailable',
  runner_connection_timeout: 'unavailable',
  runner_disconnected: 'unavailable',
  runner_connection_refused: 'unavailable',
  runner_connection_error: 'unavailable',
  runner_incomplete_response: 'unavailable',
  runner_server_error: 'unavailable',
  internal_error: 'unavailable',
  client_disconnected: 'cancelled',
  client_cancelled: 'cancelled',
  bad_request: 'invalid_input',
}

/** Model error `detail[].type` values with a kind of their own (the rest of a 422 is `invalid_input`). */
export const FAL_DETAIL_TYPE_KINDS: Readonly<Record<string, ErrorKind>> = {
  content_policy_violation: 'content_policy',
  face_detection_error: 'no_face',
  no_face_detected: 'no_face',
}

/** HTTP statuses and their kinds when neither an error type nor a detail type decides. */
export const FAL_STATUS_KINDS: Readonly<Record<number, ErrorKind>> = {
  400: 'invalid_input',
  401: 'auth',
  403: 'auth',
  408: 'timeout',
  413: 'invalid_input',
  415: 'invalid_input',
  422: 'invalid_input',
  429: 'rate_limited',
  499: 'cancelled',
  500: 'unavailable',
  502: 'unavailable',
  503: 'unavailable',
  504: 'unavailable',
}

/** Where the failure happened, for the error's fields. */
export interface FalErrorContext {
  readonly modelId: string
  readonly operation: FalOperation
  /** fal's request id, once the job exists. */
  readonly requestId?: string | undefined
  /** Status and headers the fetch hook recorded for this call (the client keeps neither). */
  readonly exchange?: FalExchange | undefined
  /** Whether any request of the call reached `fetch` (a submit never sent cannot have been accepted). */
  readonly sent?: boolean | undefined
  /** The endpoint id, for messages. */
  readonly endpointId?: string | undefined
}

/** One model validation error as fal sends it in `detail`. */
export interface FalFieldError {
  readonly loc: readonly (string | number)[]
  readonly msg: string
  readonly type: string
}

/** What is known of a failed exchange, whatever shape the client gave it. */
interface FalFailure {
  readonly status?: number | undefined
  readonly headers?: Headers | undefined
  readonly body?: unknown
  readonly requestId?: string | undefined
  readonly transportError?: unknown
  readonly timedOut?: boolean
}

/**
 * Turns whatever `@fal-ai/client` (or the fetch hook) threw into a `PortraitAnimatorError` with
 * the right kind, `retryable`, `retryAfterMs`, `providerCode`, `requestId`, `statusCode` and
 * `accepted`. `X-Fal-Retryable` overrides the kind's default retryability.
 *
 * @example
 * ```ts
 * try { await client.queue.submit(endpointId, { input }) }
 * catch (error) { throw toFalError(error, { modelId: 'live-portrait', operation: 'submit' }) }
 * ```
 */
export function toFalError(error: unknown, context: FalErrorContext): PortraitAnimatorError {
  if (PortraitAnimatorError.isInstance(error)) return error
  const failure = describeFailure(error, context)
  const requestId = context.requestId ?? (failure.requestId || undefined)
  const base = { provider: 'fal', modelId: context.modelId, ...(requestId ? { requestId } : {}) }
  if (failure.status === undefined) {
    const cause = failure.transportError ?? error
    const code = networkErrorCode(cause)
    if (!failure.timedOut && code === undefined && !(cause instanceof TypeError && /fetch failed|network/i.test(cause.message))) {
      // Not a transport failure: fal answered something the client could not read.
      return new PortraitAnimatorError({
        kind: 'provider_error',
        message: `fal answered the ${context.operation} request with something unreadable: ${cause instanceof Error ? cause.message : String(cause)}.`,
        ...base,
        accepted: acceptedWithoutAnswer(context, cause, { answerLost: true }),
        cause,
      })
    }
    return new PortraitAnimatorError({
      kind: 'unavailable',
      message: failure.timedOut
        ? `fal did not answer the ${context.operation} request in time.`
        : `Could not reach fal during ${context.operation}${code ? ` (${code})` : ''}.`,
      ...base,
      ...(code ? { providerCode: code } : {}),
      accepted: acceptedWithoutAnswer(context, cause, { answerLost: failure.timedOut === true }),
      cause,
    })
  }

  const status = failure.status
  const headers = failure.headers ?? context.exchange?.headers
  const body = failure.body
  const errorType = readErrorType(body, headers)
  const fieldErrors = readFieldErrors(body)
  const detailText = readDetailText(body)
  const kind = decideKind(status, errorType, fieldErrors, detailText, context.operation)
  const retryableHeader = headers?.get('x-fal-retryable')?.trim().toLowerCase()
  const retryAfterMs = parseRetryAfter(headers?.get('retry-after'))
  const providerCode = errorType ?? fieldErrors[0]?.type ?? (typeof body === 'object' && body !== null && typeof (body as { status?: unknown }).status === 'string' ? (body as { status: string }).status : undefined)
  const fields = fieldErrors.map((item) => ({ field: requestFieldFor(item.loc), message: item.msg }))
  return new PortraitAnimatorError({
    kind,
    message: describe(kind, status, context, { errorType, detailText, fields }),
    ...base,
    statusCode: status,
    ...(providerCode ? { providerCode } : {}),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(retryableHeader === 'true' ? { retryable: true } : retryableHeader === 'false' ? { retryable: false } : {}),
    ...(kind === 'invalid_input' && fields[0] ? { field: fields[0].field, rule: fieldErrors[0]?.type ?? 'provider-validation' } : {}),
    accepted: acceptedFor(context, status, body),
    cause: error,
  })
}

/**
 * The request field a fal `loc` points at: `["body","image_url"]` is `image`, `["body","smile"]`
 * is `motion.smile`, an unknown model field is `providerOptions.fal.<name>`, `["body"]` is the
 * whole request.
 */
export function requestFieldFor(loc: readonly (string | number)[]): string {
  const path = loc[0] === 'body' ? loc.slice(1) : loc
  const name = path[0]
  if (name === undefined) return 'request'
  const key = String(name)
  if (key === 'image_url' || key === 'source_image_url') return 'image'
  if (key === 'video_url') return 'motion.video'
  if (key === 'driven_audio_url' || key === 'audio_url') return 'motion.audio'
  if (key === 'output_format') return 'output.format'
  return requestFieldForFalExpression(key) ?? `providerOptions.fal.${path.map(String).join('.')}`
}

/** Whether fal had taken the job when no answer came. */
function acceptedWithoutAnswer(context: FalErrorContext, cause: unknown, how: { readonly answerLost: boolean }): boolean | 'unknown' {
  if (context.operation === 'upload') return false
  if (context.operation !== 'submit') return true
  if (context.sent === false) return false
  // Sent, and the answer timed out or could not be read: fal may have taken the job.
  if (how.answerLost) return 'unknown'
  // core's rule: refused, DNS and unreachable prove nothing was sent; a reset may come after the body went out.
  return networkError(cause, { provider: 'fal', url: 'https://queue.fal.run' }).accepted ?? 'unknown'
}

/** Whether fal had taken the job when this answer came. */
function acceptedFor(context: FalErrorContext, status: number | undefined, body: unknown): boolean | 'unknown' {
  if (context.operation === 'upload') return false
  if (context.operation !== 'submit') return true
  if (status === undefined) return 'unknown'
  if (status < 500) return false
  // A 5xx with fal's own error body proves the queue refused it; a bare 5xx from a gateway does not.
  const hasErrorBody = typeof body === 'object' && body !== null && ('detail' in body || 'error_type' in body || 'message' in body)
  return hasErrorBody ? false : 'unknown'
}

function decideKind(status: number, errorType: string | undefined, fieldErrors: readonly FalFieldError[], detailText: string, operation: FalOperation): ErrorKind {
  const byType = errorType === undefined ? undefined : FAL_ERROR_TYPE_KINDS[errorType]
  if (byType) return byType
  for (const item of fieldErrors) {
    const byDetail = FAL_DETAIL_TYPE_KINDS[item.type]
    if (byDetail) return byDetail
  }
  if (status === 422 && /\bno face\b|face (was )?not (detected|found)/i.test(detailText)) return 'no_face'
  // fal locks accounts whose balance ran out with a 403 ("User is locked. Reason: Exhausted balance").
  if (status === 403 && /exhausted balance|top up|insufficient (balance|credit)/i.test(detailText)) return 'insufficient_credits'
  // On submit a 404 means the endpoint is gone; on a job call it means the request is unknown or expired.
  if (status === 404 && operation === 'submit') return 'retired'
  if (status === 404 && operation !== 'upload') return 'job_failed'
  const byStatus = FAL_STATUS_KINDS[status]
  if (byStatus) return byStatus
  if (status >= 500) return 'unavailable'
  return 'provider_error'
}

function describe(
  kind: ErrorKind,
  status: number,
  context: FalErrorContext,
  details: { errorType: string | undefined; detailText: string; fields: readonly { field: string; message: string }[] },
): string {
  const code = details.errorType ? `, ${details.errorType}` : ''
  const what = details.fields.length > 0 ? details.fields.map((item) => `${item.field}: ${item.message}`).join('; ') : details.detailText
  const suffix = what ? `: ${truncate(what)}` : ''
  const where = `${context.operation} (HTTP ${status}${code})`
  switch (kind) {
    case 'invalid_input':
      return `fal rejected the input during ${where}${suffix}.`
    case 'no_face':
      return `fal found no usable face in the portrait (HTTP ${status})${suffix}.`
    case 'content_policy':
      return `fal's safety checker refused the request (HTTP ${status})${suffix}.`
    case 'auth':
      return `fal refused the key during ${where}${suffix}. Check FAL_KEY.`
    case 'insufficient_credits':
      return `fal refused the request because the account cannot pay (HTTP ${status})${suffix}.`
    case 'rate_limited':
      return `fal is rate limiting requests (HTTP ${status})${suffix}.`
    case 'retired':
      return `fal does not know the endpoint ${context.endpointId ?? ''} (HTTP ${status})${suffix}.`.replace('  ', ' ')
    case 'job_failed':
      return `fal does not know request ${context.requestId ?? ''} (expired or never existed) during ${where}${suffix}.`.replace('  ', ' ')
    case 'timeout':
      return `fal gave up on the request during ${where}${suffix}.`
    case 'cancelled':
      return `The request was cancelled at fal during ${where}${suffix}.`
    case 'unavailable':
      return `fal is unavailable during ${where}${suffix}.`
    default:
      return `fal answered an unexpected error during ${where}${suffix}.`
  }
}

function describeFailure(error: unknown, context: FalErrorContext): FalFailure {
  if (error instanceof FalUnretriedFailure) {
    return { status: error.status, headers: error.headers, body: error.body, transportError: error.transportError, timedOut: error.timedOut }
  }
  if (error instanceof ApiError) {
    const status = (error as { status?: unknown }).status
    // The streaming client reports transport failures as ApiError 500 without a body.
    return { status: typeof status === 'number' ? status : undefined, body: error.body, requestId: error.requestId || undefined, headers: context.exchange?.headers }
  }
  const timedOut = (error as { code?: unknown } | null)?.code === 'ETIMEDOUT' && !(error as { cause?: unknown }).cause
  return { transportError: error, timedOut }
}

function readErrorType(body: unknown, headers: Headers | undefined): string | undefined {
  const fromBody = typeof body === 'object' && body !== null ? (body as { error_type?: unknown }).error_type : undefined
  if (typeof fromBody === 'string' && fromBody !== '') return fromBody
  const fromHeader = headers?.get('x-fal-error-type')
  return fromHeader ? fromHeader.trim() : undefined
}

/** `detail` as a list of field errors; a plain-string `detail` (older endpoints) gives none. */
export function readFieldErrors(body: unknown): FalFieldError[] {
  const detail = typeof body === 'object' && body !== null ? (body as { detail?: unknown }).detail : undefined
  if (!Array.isArray(detail)) return []
  return detail.flatMap((item: unknown) => {
    if (typeof item !== 'object' || item === null) return []
    const { loc, msg, type } = item as { loc?: unknown; msg?: unknown; type?: unknown }
    return [
      {
        loc: Array.isArray(loc) ? loc.filter((part): part is string | number => typeof part === 'string' || typeof part === 'number') : [],
        msg: typeof msg === 'string' ? msg : 'invalid value',
        type: typeof type === 'string' ? type : 'value_error',
      },
    ]
  })
}

function readDetailText(body: unknown): string {
  if (typeof body === 'string') return body.slice(0, 300)
  if (typeof body !== 'object' || body === null) return ''
  const { detail, message, error } = body as { detail?: unknown; message?: unknown; error?: unknown }
  if (typeof detail === 'string') return detail
  if (Array.isArray(detail)) return readFieldErrors(body).map((item) => item.msg).join('; ')
  if (typeof message === 'string') return message
  if (typeof error === 'string') return error
  return ''
}

function truncate(text: string): string {
  return text.length > 400 ? `${text.slice(0, 400)}...` : text
}

/**
 * The error for a call the caller aborted (`cancelled`) or whose deadline passed (`timeout`), with
 * what is known of acceptance: an upload never creates a job, a submit in flight may have, and
 * every later call is about a job that exists.
 */
export function falAbortError(signal: AbortSignal, context: FalErrorContext): PortraitAnimatorError {
  const kind = abortError(signal).kind
  const accepted = context.operation === 'upload' ? false : context.operation === 'submit' ? (context.sent ? 'unknown' : false) : true
  const what = kind === 'timeout' ? 'passed its deadline' : 'was cancelled'
  return new PortraitAnimatorError({
    kind,
    message: `The fal ${context.operation} ${what}${context.requestId ? ` (request ${context.requestId})` : ''}.`,
    provider: 'fal',
    modelId: context.modelId,
    ...(context.requestId ? { requestId: context.requestId } : {}),
    accepted,
    cause: signal.reason,
  })
}
