import { PortraitAnimatorError } from '@portrait-animator/core'

/** An AILab status, code and client-facing message for a failure, as an AILab client expects to see it. */
export interface AilabFailure {
  readonly status: number
  readonly code: string
  readonly codeMessage: string
  /**
   * What the client can do about it (fix the photo, send a smaller file, try later), never which
   * upstream targets were tried or what they answered: that goes to the access log.
   */
  readonly message: string
}

const TRY_LATER = 'Try again later.'

/**
 * Maps a router failure onto AILabTools' own codes, so an app written against the retired API
 * handles it with the code paths it already has.
 */
export function ailabFailureFor(error: unknown): AilabFailure {
  if (!PortraitAnimatorError.isInstance(error)) return { status: 500, code: 'SERVICE_INTERNAL_ERROR', codeMessage: 'Internal service error.', message: TRY_LATER }
  switch (error.kind) {
    case 'invalid_input':
      return invalidInputFailure(error)
    case 'no_face':
      return { status: 422, code: 'ERROR_NO_FACE_IN_FILE', codeMessage: 'No face detected in the file.', message: 'Send a photo with one clearly visible face.' }
    case 'content_policy':
      return { status: 422, code: 'ERROR_CONTENT_NON_COMPLIANCE', codeMessage: 'The content does not meet requirements.', message: 'This photo cannot be animated.' }
    case 'rate_limited':
      return { status: 503, code: 'AI_SERVICE_FLOW_RESTRICTION', codeMessage: 'The AI service is rate-limited.', message: TRY_LATER }
    case 'timeout':
      return { status: 504, code: 'AI_SERVICE_TIMEOUT', codeMessage: 'The AI service timed out.', message: TRY_LATER }
    case 'cancelled':
      return { status: 499, code: 'ERROR_TASK_STOPPED_PROCESSING', codeMessage: 'The task stopped processing.', message: 'The request was cancelled.' }
    default:
      // unavailable, retired, auth, credits, budget, config...: the service's problem, not the client's.
      return { status: 500, code: 'AI_SERVICE_ERROR', codeMessage: 'The AI service failed.', message: TRY_LATER }
  }
}

/** Says what is wrong with the upload in terms of the client's own request: the rule, the limit and what was sent. */
function invalidInputFailure(error: PortraitAnimatorError): AilabFailure {
  const rule = error.rule
  const found = [error.limit === undefined ? '' : `limit ${error.limit}`, error.actual === undefined ? '' : `got ${error.actual}`].filter(Boolean).join(', ')
  const detail = found ? ` (${found}).` : '.'
  // The server's own checks of image_target speak only of the upload; upstream messages may name targets.
  const own = error.field === 'image_target' ? error.message : undefined
  if (rule === 'max-bytes' || rule === 'download-too-large') {
    return { status: 413, code: 'FILE_SIZE_EXCEEDS_LIMIT', codeMessage: 'The file size exceeds the limit.', message: own ?? `image_target is too large${detail}` }
  }
  if (rule === 'format' || rule === 'not-media' || rule === 'empty' || rule === 'truncated') {
    return { status: 415, code: 'UNSUPPORTED_FILE_TYPES', codeMessage: 'Unsupported file type.', message: own ?? `image_target must be a complete JPEG, PNG or BMP image${detail}` }
  }
  if (rule?.startsWith('max-') || rule?.startsWith('min-')) {
    return { status: 422, code: 'FILE_RESOLUTION_EXCEEDS_LIMITS', codeMessage: 'The file resolution exceeds the limit.', message: own ?? `image_target breaks the ${rule} rule${detail}` }
  }
  return { status: 400, code: 'ERROR_INVALID_PARAMETER', codeMessage: 'Invalid parameter.', message: own ?? (rule ? `The request breaks the ${rule} rule${detail}` : 'Check image_target and type.') }
}
