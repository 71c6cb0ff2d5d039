import { PortraitAnimatorError, type ErrorKind } from '@portrait-animator/core'
import { AILAB_LIVE_PHOTO_LIFECYCLE } from './ailab-capabilities.js'
import { AILAB_LIVE_PHOTO_MODEL, AILAB_PROVIDER } from './ailab-constants.js'
import { lookupAilabErrorCode, type AilabErrorField } from './ailab-error-codes.js'
import { envelopeCode, envelopeStatus, type AilabEnvelope } from './ailab-envelope.js'

/** What is known about a failed response. */
export interface AilabFailure {
  /** The HTTP status of the response. */
  readonly httpStatus: number
  /** The parsed body, or `undefined` when it was not an AILab envelope. */
  readonly envelope: AilabEnvelope | undefined
  /** `Retry-After`, in milliseconds, when the response had one. */
  readonly retryAfterMs?: number
  /**
   * The request field the `type` parameter came from: `motion.framing`, or
   * `providerOptions.ailab.type` when the caller set it directly.
   */
  readonly typeField?: string
  /**
   * True when the call went to AILab's own host: a bare 404 (no envelope) there means the endpoint
   * is gone, while on another host it more likely means a wrong base URL.
   */
  readonly officialHost?: boolean
}

/**
 * Turns a failed Live Photos response into a `PortraitAnimatorError`. The code decides the kind
 * (`error_detail.code`, then the older `error_code_str`); only codes the docs do not list fall back
 * to the status. AILab is synchronous and bills only success, so an error envelope always proves
 * nothing was accepted: `accepted: false`.
 */
export function ailabResponseError(failure: AilabFailure): PortraitAnimatorError {
  const { envelope, httpStatus } = failure
  const status = envelopeStatus(httpStatus, envelope)
  const code = envelopeCode(envelope)
  const mapped = lookupAilabErrorCode(envelope?.error_detail?.code?.trim()) ?? lookupAilabErrorCode(envelope?.error_code_str?.trim())
  const kind: ErrorKind = mapped?.kind ?? kindOfStatus(status, envelope !== undefined, failure.officialHost ?? false)
  const field = kind === 'invalid_input' ? fieldFor(mapped?.field ?? (status === 413 || status === 415 ? 'image' : undefined), failure.typeField) : undefined
  const requestId = envelope?.request_id
  const reference = [code ? `code ${code}` : undefined, `HTTP ${status}`, requestId ? `request ${requestId}` : undefined].filter(Boolean).join(', ')
  const said = providerText(envelope)
  return new PortraitAnimatorError({
    kind,
    message: `AILabTools Live Photos ${headline(kind, field)}${said ? `: ${said}` : ''} (${reference}).`,
    provider: AILAB_PROVIDER,
    modelId: AILAB_LIVE_PHOTO_MODEL,
    statusCode: status,
    accepted: false,
    ...(code ? { providerCode: code } : {}),
    ...(requestId ? { requestId } : {}),
    ...(field ? { field } : {}),
    ...(mapped?.rule && kind === 'invalid_input' ? { rule: mapped.rule } : {}),
    ...(failure.retryAfterMs !== undefined && (kind === 'rate_limited' || kind === 'unavailable') ? { retryAfterMs: failure.retryAfterMs } : {}),
  })
}

/** For responses whose code is unknown or missing. */
function kindOfStatus(status: number, hasEnvelope: boolean, officialHost: boolean): ErrorKind {
  if (status === 401 || status === 403) return 'auth'
  if (status === 413 || status === 415) return 'invalid_input'
  if (status === 429) return 'rate_limited'
  if (status >= 500) return 'unavailable'
  if (status === 404 && !hasEnvelope && officialHost) return 'retired'
  return 'provider_error'
}

function fieldFor(field: AilabErrorField | undefined, typeField: string | undefined): string | undefined {
  if (field === 'motion.framing') return typeField ?? 'motion.framing'
  return field
}

function headline(kind: ErrorKind, field: string | undefined): string {
  switch (kind) {
    case 'invalid_input':
      return field === 'image' ? 'rejected the image' : `rejected the request${field ? ` (${field})` : ''}`
    case 'no_face':
      return 'found no usable face in the image'
    case 'auth':
      return 'refused the API key (missing, unknown, locked, or not allowed to use this API)'
    case 'retired': {
      const replacements = 'replacements' in AILAB_LIVE_PHOTO_LIFECYCLE ? AILAB_LIVE_PHOTO_LIFECYCLE.replacements : undefined
      return `is retired: AILabTools announced it as permanently discontinued${replacements?.length ? `; use ${replacements.join(', ')} instead` : ''}`
    }
    case 'insufficient_credits':
      return 'cannot be paid for: the account does not have enough credits'
    case 'rate_limited':
      return 'is limiting requests; try again later'
    case 'unavailable':
      return 'is unavailable'
    case 'content_policy':
      return 'refused the image content'
    default:
      return 'failed with an error this adapter does not map'
  }
}

/** What AILab said, most precise first, without repeating the same sentence. */
function providerText(envelope: AilabEnvelope | undefined): string {
  const parts: string[] = []
  for (const value of [envelope?.error_detail?.code_message, envelope?.error_detail?.message, envelope?.error_msg]) {
    const trimmed = value?.trim()
    if (trimmed && !parts.some((part) => part.includes(trimmed))) parts.push(trimmed.replace(/[.\s]+$/, ''))
  }
  return parts.join('; ').slice(0, 500)
}
