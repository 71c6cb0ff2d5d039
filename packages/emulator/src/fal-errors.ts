import type { FaultEffect } from './fault-types.js'
import { jsonReply, type Reply } from './reply.js'

/** One entry of fal's model-error `detail` array (FastAPI/pydantic shape). */
export interface FalErrorDetail {
  readonly loc: readonly (string | number)[]
  readonly msg: string
  readonly type: string
  readonly url?: string
  readonly ctx?: Readonly<Record<string, unknown>>
  readonly input?: unknown
}

/** fal's documented `error_type` for infrastructure errors, by typical status. */
const REQUEST_ERROR_TYPE: Readonly<Record<number, string>> = {
  400: 'bad_request',
  499: 'client_cancelled',
  500: 'internal_error',
  502: 'runner_incomplete_response',
  503: 'runner_scheduling_failure',
  504: 'request_timeout',
}

const REQUEST_ERROR_DETAIL: Readonly<Record<string, string>> = {
  bad_request: 'Bad request',
  client_cancelled: 'Request was cancelled by the client',
  internal_error: 'Internal server error',
  runner_incomplete_response: 'The runner sent an incomplete response',
  runner_scheduling_failure: 'No runner could be allocated to handle the request',
  request_timeout: 'Request timed out',
}

/** A model error detail with fal's documentation link. */
export function falDetail(
  field: string | undefined,
  type: string,
  msg: string,
  extra: { readonly ctx?: Record<string, unknown>; readonly input?: unknown; readonly locRoot?: string } = {},
): FalErrorDetail {
  return {
    loc: field === undefined ? [extra.locRoot ?? 'body'] : [extra.locRoot ?? 'body', field],
    msg,
    type,
    url: `https://docs.fal.ai/errors#${type}`,
    ...(extra.ctx ? { ctx: extra.ctx } : {}),
    ...('input' in extra ? { input: extra.input } : {}),
  }
}

/** A 422 (or other) model error: `{ detail: [...] }`. */
export function falValidationReply(details: readonly FalErrorDetail[], status = 422): Reply {
  return jsonReply(status, { detail: details }, { 'x-fal-retryable': 'false' })
}

/** An infrastructure error: `{ detail, error_type }` plus the `X-Fal-Error-Type` header. */
export function falRequestErrorReply(status: number, errorType?: string, detail?: string): Reply {
  const type = errorType ?? REQUEST_ERROR_TYPE[status] ?? (status >= 500 ? 'internal_error' : 'bad_request')
  return jsonReply(
    status,
    { detail: detail ?? REQUEST_ERROR_DETAIL[type] ?? 'Request failed', error_type: type },
    { 'x-fal-error-type': type, 'x-fal-retryable': status >= 500 || status === 429 ? 'true' : 'false' },
  )
}

/** A plain `{ detail: "..." }` error (auth, not found, balance). */
export function falPlainError(status: number, detail: string, headers: Record<string, string> = {}): Reply {
  return jsonReply(status, { detail }, headers)
}

/** The message fal gives an account that has run out of balance. */
export const FAL_EXHAUSTED_BALANCE =
  'User is locked. Reason: Exhausted balance. Top up your balance at fal.ai/dashboard/billing.'

/** fal's answer for an injected status. */
export function falFaultReply(status: number, effect: FaultEffect): Reply {
  switch (status) {
    case 401:
      return falPlainError(401, effect.message ?? 'No user found for Key ID and Secret')
    case 403:
      return falPlainError(403, effect.message ?? FAL_EXHAUSTED_BALANCE)
    case 404:
      return falPlainError(404, effect.message ?? 'Not Found')
    case 422:
      return falValidationReply([falDetail(undefined, effect.code ?? 'value_error', effect.message ?? 'Unprocessable Entity')])
    case 429:
      return jsonReply(
        429,
        { detail: effect.message ?? 'Too many requests: concurrency limit reached', ...(effect.code ? { error_type: effect.code } : {}) },
        { 'x-fal-retryable': 'true', ...(effect.code ? { 'x-fal-error-type': effect.code } : {}) },
      )
    default:
      return falRequestErrorReply(status, effect.code, effect.message)
  }
}
