import type { Reply } from './reply.js'
import { jsonReply } from './reply.js'
import type { SeededRandom } from './seeded-random.js'

/** AILabTools `error_detail.code` values the emulator answers with, and their documented status. */
export const AILAB_ERRORS = {
  ERROR_PARAMETERS: { status: 400, codeMessage: 'Parameter error.' },
  MISSING_PARAMETERS: { status: 400, codeMessage: 'Missing required parameters.' },
  ERROR_INVALID_PARAMETER: { status: 400, codeMessage: 'Invalid parameter.' },
  FILE_DECODING_FAILURE: { status: 400, codeMessage: 'File decoding failed.' },
  ERROR_USER_NOT_EXISTS: { status: 401, codeMessage: 'The user does not exist.' },
  ERROR_USER_LOCKED: { status: 403, codeMessage: 'The user has been locked.' },
  ERROR_AI_NOT_EXISTS: { status: 404, codeMessage: 'AI does not exist or has been deactivated.' },
  FILE_SIZE_EXCEEDS_LIMIT: { status: 413, codeMessage: 'File size exceeds the limit.' },
  UNSUPPORTED_FILE_TYPES: { status: 415, codeMessage: 'Unsupported file type.' },
  FILE_RESOLUTION_EXCEEDS_LIMITS: { status: 422, codeMessage: 'File resolution exceeds the limit.' },
  ERROR_NO_FACE_IN_FILE: { status: 422, codeMessage: 'No face detected in the file.' },
  EXCEEDING_LIMITS: { status: 429, codeMessage: 'Request or concurrency limits were exceeded.' },
  ERROR_NOT_ENOUGH_CREDITS: { status: 429, codeMessage: 'Insufficient credits.' },
  SERVICE_INTERNAL_ERROR: { status: 500, codeMessage: 'Service internal error.' },
  ERROR_GATEWAY: { status: 502, codeMessage: 'Gateway error.' },
  AI_SERVICE_FLOW_RESTRICTION: { status: 503, codeMessage: 'The AI service is rate limited.' },
  AI_SERVICE_TIMEOUT: { status: 504, codeMessage: 'The AI service timed out.' },
} as const

/** A code from `AILAB_ERRORS`. */
export type AilabErrorCode = keyof typeof AILAB_ERRORS

/** The code an injected status gets when the fault names none. */
const DEFAULT_CODE_FOR_STATUS: Readonly<Record<number, AilabErrorCode>> = {
  400: 'ERROR_PARAMETERS',
  401: 'ERROR_USER_NOT_EXISTS',
  403: 'ERROR_USER_LOCKED',
  404: 'ERROR_AI_NOT_EXISTS',
  413: 'FILE_SIZE_EXCEEDS_LIMIT',
  415: 'UNSUPPORTED_FILE_TYPES',
  422: 'ERROR_NO_FACE_IN_FILE',
  429: 'EXCEEDING_LIMITS',
  500: 'SERVICE_INTERNAL_ERROR',
  502: 'ERROR_GATEWAY',
  503: 'AI_SERVICE_FLOW_RESTRICTION',
  504: 'AI_SERVICE_TIMEOUT',
}

/** The older `error_code_str` that accompanies some codes (the docs' no-face example). */
const LEGACY_CODE: Readonly<Record<string, string>> = {
  ERROR_NO_FACE_IN_FILE: 'FILE_CONTENT_NON_COMPLIANCE',
  FILE_RESOLUTION_EXCEEDS_LIMITS: 'FILE_CONTENT_NON_COMPLIANCE',
}

/** The public ids every AILab answer carries. */
export function ailabIds(ids: SeededRandom): { request_id: string; log_id: string } {
  return { request_id: ids.uuid(), log_id: ids.hex(32).toUpperCase() }
}

/** The documented success envelope, `data` included. */
export function ailabSuccess(identifiers: { request_id: string; log_id: string }, data: unknown): Reply {
  return jsonReply(200, {
    ...identifiers,
    error_code: 0,
    error_code_str: '',
    error_msg: '',
    error_detail: { status_code: 200, code: '', code_message: '', message: '' },
    data,
  })
}

/**
 * The documented error envelope: `error_code` equals the HTTP status and `error_detail.code` the
 * precise code.
 */
export function ailabError(
  identifiers: { request_id: string; log_id: string },
  code: string,
  options: { readonly status?: number; readonly message?: string; readonly headers?: Record<string, string> } = {},
): Reply {
  const known = (AILAB_ERRORS as Record<string, { status: number; codeMessage: string } | undefined>)[code]
  const status = options.status ?? known?.status ?? 500
  const codeMessage = known?.codeMessage ?? 'Error.'
  const message = options.message ?? codeMessage
  return jsonReply(
    status,
    {
      ...identifiers,
      error_code: status,
      error_code_str: LEGACY_CODE[code] ?? code,
      error_msg: `${codeMessage} - ${message}`,
      error_detail: { status_code: status, code, code_message: codeMessage, message },
    },
    options.headers,
  )
}

/** The error envelope for an injected status, with the status's typical code unless one is named. */
export function ailabFaultError(identifiers: { request_id: string; log_id: string }, status: number, code?: string, message?: string): Reply {
  return ailabError(identifiers, code ?? DEFAULT_CODE_FOR_STATUS[status] ?? 'SERVICE_INTERNAL_ERROR', {
    status,
    ...(message === undefined ? {} : { message }),
  })
}
