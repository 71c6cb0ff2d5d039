import { PortraitAnimatorError } from '@portrait-animator/core'

/** An AILab status and code for a failure, as an AILab client expects to see it. */
export interface AilabFailure {
  readonly status: number
  readonly code: string
  readonly codeMessage: string
}

/**
 * Maps a router failure onto AILabTools' own codes, so an app written against the retired API
 * handles it with the code paths it already has.
 */
export function ailabFailureFor(error: unknown): AilabFailure {
  if (!PortraitAnimatorError.isInstance(error)) return { status: 500, code: 'SERVICE_INTERNAL_ERROR', codeMessage: 'Internal service error.' }
  switch (error.kind) {
    case 'invalid_input':
      if (error.rule === 'max-bytes' || error.rule === 'download-too-large') return { status: 413, code: 'FILE_SIZE_EXCEEDS_LIMIT', codeMessage: 'The file size exceeds the limit.' }
      if (error.rule === 'format' || error.rule === 'not-media' || error.rule === 'empty' || error.rule === 'truncated') {
        return { status: 415, code: 'UNSUPPORTED_FILE_TYPES', codeMessage: 'Unsupported file type.' }
      }
      if (error.rule?.startsWith('max-') || error.rule?.startsWith('min-')) return { status: 422, code: 'FILE_RESOLUTION_EXCEEDS_LIMITS', codeMessage: 'The file resolution exceeds the limit.' }
      return { status: 400, code: 'ERROR_INVALID_PARAMETER', codeMessage: 'Invalid parameter.' }
    case 'no_face':
      return { status: 422, code: 'ERROR_NO_FACE_IN_FILE', codeMessage: 'No face detected in the file.' }
    case 'content_policy':
      return { status: 422, code: 'ERROR_CONTENT_NON_COMPLIANCE', codeMessage: 'The content does not meet requirements.' }
    case 'rate_limited':
      return { status: 503, code: 'AI_SERVICE_FLOW_RESTRICTION', codeMessage: 'The AI service is rate-limited.' }
    case 'timeout':
      return { status: 504, code: 'AI_SERVICE_TIMEOUT', codeMessage: 'The AI service timed out.' }
    case 'cancelled':
      return { status: 499, code: 'ERROR_TASK_STOPPED_PROCESSING', codeMessage: 'The task stopped processing.' }
    default:
      return { status: 500, code: 'AI_SERVICE_ERROR', codeMessage: 'The AI service failed.' }
  }
}
