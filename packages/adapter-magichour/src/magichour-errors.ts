import { PortraitAnimatorError, type ErrorKind } from '@portrait-animator/core'
import { PROVIDER } from './magichour-limits.js'
import type { MagicHourProject } from './magichour-schemas.js'

/** Whether the provider holds (and may charge for) the work when a call fails. */
export type Accepted = boolean | 'unknown'

/** What an HTTP error answer from Magic Hour said. */
export interface HttpFailure {
  readonly status: number
  /** The `message` of the JSON body, when there was one. */
  readonly message?: string
  readonly retryAfterMs?: number
  readonly requestId?: string
}

/** Where the failure happened, for the message and the error's fields. */
export interface FailureContext {
  readonly modelId?: string
  /** What was being done, e.g. `creating the talking photo`. */
  readonly operation: string
  readonly accepted: Accepted
}

/**
 * Maps an HTTP error status to the taxonomy (docs quick-start table, providers.md §3.1):
 * 400/422 `invalid_input`, 401 `auth`, 402 `insufficient_credits`, 403 `auth` (plan), 429
 * `rate_limited`, 5xx `unavailable`; 408 is a retryable `timeout`; anything else `provider_error`.
 */
export function kindOfStatus(status: number): ErrorKind {
  if (status === 400 || status === 422) return 'invalid_input'
  if (status === 401 || status === 403) return 'auth'
  if (status === 402) return 'insufficient_credits'
  if (status === 429) return 'rate_limited'
  if (status === 408) return 'timeout'
  if (status >= 500) return 'unavailable'
  return 'provider_error'
}

const STATUS_HINTS: Readonly<Record<number, string>> = {
  401: 'the API key is missing or wrong',
  402: 'the account has run out of credits',
  403: 'this model, resolution or feature is not included in the plan',
  404: 'not found',
  429: 'too many requests',
}

/** The error for an HTTP error answer. */
export function httpError(failure: HttpFailure, context: FailureContext): PortraitAnimatorError {
  const kind = kindOfStatus(failure.status)
  const hint = STATUS_HINTS[failure.status]
  const detail = [hint, failure.message].filter((part) => part !== undefined && part !== '').join(': ')
  return new PortraitAnimatorError({
    kind,
    message: `Magic Hour answered HTTP ${failure.status} while ${context.operation}${detail ? ` (${detail})` : ''}.`,
    provider: PROVIDER,
    ...(context.modelId === undefined ? {} : { modelId: context.modelId }),
    statusCode: failure.status,
    ...(kind === 'timeout' ? { retryable: true } : {}),
    ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
    ...(failure.requestId === undefined ? {} : { requestId: failure.requestId }),
    accepted: context.accepted,
  })
}

/**
 * Whether an HTTP error answer to a create call proves that no project exists. Magic Hour's docs:
 * "if it failed before returning a project `id`, no job exists; resubmit". Only gateway timeouts
 * (408, 504) may hide a project that was created behind the gateway, so they stay `'unknown'`.
 */
export function acceptedAfterCreateFailure(status: number): Accepted {
  return status === 408 || status === 504 ? 'unknown' : false
}

/** Known `error.code` values of failed projects (docs: development-and-testing, webhook events). */
const PROJECT_CODE_KINDS: Readonly<Record<string, ErrorKind>> = {
  no_source_face: 'no_face',
  no_face_detected: 'no_face',
  insufficient_credits: 'insufficient_credits',
  invalid_file_format: 'invalid_input',
  invalid_video_file: 'invalid_input',
  invalid_audio_file: 'invalid_input',
  invalid_image_file: 'invalid_input',
  file_too_large: 'invalid_input',
  invalid_parameters: 'invalid_input',
  unknown_error: 'job_failed',
}

/** Maps the `error.code` of a failed project to an error kind; unlisted codes are matched by their words. */
export function kindOfProjectCode(code: string | undefined): ErrorKind {
  if (code === undefined || code === '') return 'job_failed'
  const known = PROJECT_CODE_KINDS[code]
  if (known) return known
  if (/credit|payment/i.test(code)) return 'insufficient_credits'
  if (/nsfw|moderation|policy|unsafe|inappropriate/i.test(code)) return 'content_policy'
  if (/no_.*face|face_not_found/i.test(code)) return 'no_face'
  if (/^invalid_|format|too_(large|long|short|small)/i.test(code)) return 'invalid_input'
  return 'job_failed'
}

/**
 * The error for a project that ended with status `error`. The job existed (`accepted: true`);
 * Magic Hour refunds failed projects, so an unexplained failure (`unknown_error`) is retryable.
 */
export function projectFailure(project: MagicHourProject, modelId: string): PortraitAnimatorError {
  const code = project.error?.code ?? undefined
  const kind = kindOfProjectCode(code)
  const reason = project.error?.message ?? 'no reason given'
  return new PortraitAnimatorError({
    kind,
    message: `Magic Hour project ${project.id} failed${code ? ` with ${code}` : ''}: ${reason}`,
    provider: PROVIDER,
    modelId,
    retryable: kind === 'job_failed' && (code === undefined || code === 'unknown_error'),
    ...(code ? { providerCode: code } : {}),
    requestId: project.id,
    accepted: true,
  })
}

/** The error for a project that Magic Hour reports as `canceled` (deleted in the web app or by another client). */
export function projectCanceled(project: MagicHourProject, modelId: string): PortraitAnimatorError {
  return new PortraitAnimatorError({
    kind: 'cancelled',
    message: `Magic Hour project ${project.id} was canceled before it finished.`,
    provider: PROVIDER,
    modelId,
    providerCode: 'canceled',
    requestId: project.id,
    accepted: true,
  })
}
