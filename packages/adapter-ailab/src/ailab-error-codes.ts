import type { ErrorKind } from '@portrait-animator/core'

/** The request field an AILab input error points at. */
export type AilabErrorField = 'image' | 'motion.framing' | 'output.format'

/** How one AILab `error_detail.code` maps onto the error taxonomy. */
export interface AilabErrorCode {
  /** The HTTP status the docs list the code under. */
  readonly status: number
  /** The error kind a user gets. */
  readonly kind: ErrorKind
  /** For `invalid_input`: the request field at fault. */
  readonly field?: AilabErrorField
  /** For `invalid_input`: the rule broken, when the code says it precisely. */
  readonly rule?: string
}

const invalidImage = (status: number, rule?: string): AilabErrorCode => ({ status, kind: 'invalid_input', field: 'image', ...(rule ? { rule } : {}) })
// `type` (from `motion.framing`) is the only parameter Live Photos takes besides the file, so every
// parameter code points there; the provider's own message travels in the error text.
const invalidParameter = (status: number): AilabErrorCode => ({ status, kind: 'invalid_input', field: 'motion.framing' })
const noFace = (status: number): AilabErrorCode => ({ status, kind: 'no_face' })
const unavailable = (status: number): AilabErrorCode => ({ status, kind: 'unavailable' })
// Codes of AILab's other APIs (face databases, groups, batch tasks): documented, but meaningless for
// Live Photos. Kept as `provider_error` with the raw code rather than guessed into another kind.
const foreign = (status: number): AilabErrorCode => ({ status, kind: 'provider_error' })

/**
 * Every `error_detail.code` in AILabTools' response-description table (providers.md §1.3), with the
 * error kind it maps to. Errors are mapped by code first; the status only decides for codes that
 * are not here.
 *
 * Judgement calls, all from the docs or the official SDK:
 * - `PROCESSING_FAILURE` and `ERROR_INSUFFICIENT_RESOURCES` are listed under 400 by the docs but
 *   under 500/503 by the SDK: they are the service failing, so `unavailable` (retryable).
 * - `EXCEEDING_LIMITS` is 422 in the docs and 429 in the SDK: a request or concurrency limit, so
 *   `rate_limited` whatever the status.
 * - `ERROR_ILLEGAL_FILE` (403) is about the file, not the key: `invalid_input` on `image`.
 * - `ERROR_FACE_NOT_FOUND` (404) and the 422 face, liveness and occlusion checks are `no_face`:
 *   the portrait has no face AILab can use.
 */
export const AILAB_ERROR_CODES = {
  // 400: general
  PROCESSING_FAILURE: unavailable(400),
  ERROR_PARAMETERS: invalidParameter(400),
  MISSING_PARAMETERS: invalidImage(400, 'required'),
  ERROR_INVALID_PARAMETER: invalidParameter(400),
  PARAMETERS_CANNOT_EMPTY: invalidImage(400, 'required'),
  ERROR_MISSING_LIMIT_PARAMETER: invalidParameter(400),
  ERROR_MISSING_TASKS_PARAMETER: invalidParameter(400),
  ERROR_MISSING_ASSURE_DIRECTION_PARAMETER: invalidParameter(400),
  ERROR_MISSING_MIN_HEIGHT_PARAMETER: invalidParameter(400),
  ERROR_INVALID_SIDE_PARAMETER: invalidParameter(400),
  ERROR_TOO_MANY_FILES: invalidImage(400),
  ERROR_FACE_TRACE_LIMIT_EXCEEDED: foreign(400),
  ERROR_INVALID_URL: invalidImage(400),
  ERROR_DATABASE_LIMIT_EXCEEDED: foreign(400),
  ERROR_INVALID_RESPONSE_FORMAT: foreign(400),
  ERROR_UNSUPPORTED_RESPONSE_FORMAT: foreign(400),
  ERROR_TOO_MANY_GROUPS_IN_GROUP_LIST: foreign(400),
  ERROR_TOO_MANY_UIDS_IN_UID_LIST: foreign(400),
  ERROR_TOO_MANY_APPS_IN_APP_LIST: foreign(400),
  ERROR_BATCH_TASK_LIMIT_EXCEEDED: foreign(400),
  ERROR_CLEANING_USER_GROUP_DATA: foreign(400),
  ERROR_IMAGE_STORAGE_NOT_SUPPORTED: foreign(400),
  ERROR_INSUFFICIENT_RESOURCES: unavailable(400),
  ERROR_RESOURCE_IN_TRANSIT: unavailable(400),
  // 400: file and face operations
  ERROR_FILE_DOWNLOAD_FAILED: unavailable(400),
  ERROR_FILE_UPLOAD_FAILED: unavailable(400),
  FILE_DECODING_FAILURE: invalidImage(400, 'decode'),
  ERROR_FACE_BLENDING_FAILED: foreign(400),
  ERROR_FACE_IMAGE_ADDITION_FAILED: foreign(400),
  ERROR_GET_FACE_IMAGE_FAILED: foreign(400),
  ERROR_DATA_TRANSFER_FAILED: unavailable(400),
  ERROR_TASK_REVOCATION_FAILED: foreign(400),
  ERROR_RESOURCE_UNAVAILABLE: unavailable(400),
  ERROR_FILE_DOWNLOAD_TIMEOUT: unavailable(400),
  // 401, 403: the key or the account
  ERROR_USER_NOT_EXISTS: { status: 401, kind: 'auth' },
  ERROR_APPLICATIONS_NOT_EXISTS: { status: 401, kind: 'auth' },
  ERROR_USER_LOCKED: { status: 403, kind: 'auth' },
  AI_SERVICE_UNAUTHORIZED: { status: 403, kind: 'auth' },
  ERROR_ILLEGAL_FILE: invalidImage(403),
  // 404: the API itself is gone, or a resource of another API
  ERROR_AI_NOT_EXISTS: { status: 404, kind: 'retired' },
  AI_SERVICE_NOT_FOUND: { status: 404, kind: 'retired' },
  ERROR_FILE_NOT_FOUND: invalidImage(404, 'not-found'),
  ERROR_FACE_NOT_FOUND: noFace(404),
  ERROR_USER_GROUP_NOT_FOUND: foreign(404),
  ERROR_USER_NOT_FOUND: foreign(404),
  ERROR_FACE_TOKEN_NOT_FOUND: foreign(404),
  ERROR_CONTENT_NOT_FOUND: foreign(404),
  ERROR_RESOURCE_NOT_FOUND: foreign(404),
  // 405, 409, 410
  ERROR_ILLEGAL_OPERATION: foreign(405),
  ERROR_FACE_ALREADY_EXISTS: foreign(409),
  ERROR_DATA_ALREADY_EXISTS: foreign(409),
  ERROR_USER_GROUP_ALREADY_EXISTS: foreign(409),
  ERROR_USER_ALREADY_EXISTS: foreign(409),
  ERROR_DUPLICATE_GROUP_NAME: foreign(409),
  ERROR_RESOURCE_IN_USE: foreign(409),
  ERROR_TASK_CONFLICT: foreign(409),
  ERROR_TASK_REVOKED: foreign(409),
  ERROR_RESOURCE_RECLAIMED: foreign(410),
  // 413: too large
  FILE_SIZE_EXCEEDS_LIMIT: invalidImage(413, 'max-bytes'),
  ERROR_CONTENT_TOO_LONG: invalidImage(413, 'max-bytes'),
  ERROR_VIDEO_DURATION_EXCEEDED: invalidImage(413, 'max-duration'),
  ERROR_REQUEST_BODY_TOO_LARGE: invalidImage(413, 'max-bytes'),
  ERROR_RESPONSE_BODY_TOO_LARGE: invalidImage(413, 'max-bytes'),
  // 415: wrong type
  UNSUPPORTED_FILE_TYPES: invalidImage(415, 'format'),
  ERROR_INVALID_OUTPUT_FORMAT: { status: 415, kind: 'invalid_input', field: 'output.format', rule: 'format' },
  ERROR_UNSUPPORTED_GRAYSCALE_IMAGE: invalidImage(415, 'format'),
  // 422: parameters
  UNSUPPORTED_PARAMETER_VALUES: invalidParameter(422),
  ERROR_INVALID_FACE_BOX_PARAMETER: invalidParameter(422),
  ERROR_INVALID_BIG_EYES_PARAMETER: invalidParameter(422),
  ERROR_INVALID_FACE_SLIMMING_PARAMETER: invalidParameter(422),
  ERROR_INVALID_SMOOTHING_PARAMETER: invalidParameter(422),
  ERROR_INVALID_SKIN_WHITENING_PARAMETER: invalidParameter(422),
  ERROR_INVALID_PARAMETER_FORMAT: invalidParameter(422),
  ERROR_PARAMETER_CONVERSION_FAILED: invalidParameter(422),
  ERROR_MISSING_OUTPUT_FORMAT: { status: 422, kind: 'invalid_input', field: 'output.format' },
  // 422: file checks
  FILE_RESOLUTION_EXCEEDS_LIMITS: invalidImage(422, 'max-pixels'),
  ERROR_LOW_RESOLUTION: invalidImage(422, 'min-pixels'),
  ERROR_HIGH_RESOLUTION: invalidImage(422, 'max-pixels'),
  ERROR_INVALID_FILE: invalidImage(422),
  FILE_CONTENT_NON_COMPLIANCE: invalidImage(422),
  ERROR_INCORRECT_FILE_COUNT: invalidImage(422),
  // 422: face checks
  ERROR_NO_FACE_IN_FILE: noFace(422),
  ERROR_FACE_SIZE_NOT_MEET_REQUIREMENTS: noFace(422),
  ERROR_FACE_SIZE_RATIO_NOT_MET: noFace(422),
  ERROR_SMALL_FACE_SIZE: noFace(422),
  ERROR_FACE_COPY_SCENE_MISMATCH: noFace(422),
  ERROR_FACE_UNRECOGNIZABLE: noFace(422),
  ERROR_POOR_FACE_QUALITY: noFace(422),
  ERROR_BLURRY_FACE: noFace(422),
  ERROR_OBSTRUCTED_FACE: noFace(422),
  ERROR_POOR_FACE_LIGHTING: noFace(422),
  ERROR_INCOMPLETE_FACE: noFace(422),
  ERROR_FACE_NOT_FACING_FORWARD: noFace(422),
  ERROR_CARTOON_FACE_NOT_SUPPORTED: noFace(422),
  // 422: quality, liveness and scene checks
  ERROR_QUALITY_SCORE_NOT_MEET_REQUIREMENTS: invalidImage(422, 'quality'),
  ERROR_QUALITY_CONTROL_ERROR: invalidImage(422, 'quality'),
  ERROR_LIVENESS_CONTROL_ERROR: noFace(422),
  ERROR_SCENE_TYPE_MISMATCH: invalidImage(422),
  ERROR_TEMPLATE_IMAGE_QUALITY_TOO_LOW: invalidImage(422, 'quality'),
  ERROR_ACTION_VERIFICATION_FAILED: noFace(422),
  // 422: occlusion
  ERROR_LEFT_EYE_OCCLUSION_TOO_HIGH: noFace(422),
  ERROR_RIGHT_EYE_OCCLUSION_TOO_HIGH: noFace(422),
  ERROR_LEFT_FACE_OCCLUSION_TOO_HIGH: noFace(422),
  ERROR_RIGHT_FACE_OCCLUSION_TOO_HIGH: noFace(422),
  ERROR_CHIN_OCCLUSION_TOO_HIGH: noFace(422),
  ERROR_NOSE_OCCLUSION_TOO_HIGH: noFace(422),
  ERROR_MOUTH_OCCLUSION_TOO_HIGH: noFace(422),
  // 422: recognition and detection
  ERROR_SYNTHESIS_DETECTION_FAILED: foreign(422),
  ERROR_LIVENESS_DETECTION_FAILED: noFace(422),
  ERROR_NO_RECOGNITION_TARGET_DETECTED: noFace(422),
  ERROR_IMAGE_RECOGNITION_FAILED: invalidImage(422),
  ERROR_MASK_IMAGE_RESOLUTION_MISMATCH: invalidImage(422),
  // 422: other
  ERROR_TASK_STOPPED_PROCESSING: unavailable(422),
  EXCEEDING_LIMITS: { status: 422, kind: 'rate_limited' },
  ERROR_CONTENT_NON_COMPLIANCE: { status: 422, kind: 'content_policy' },
  // 429
  ERROR_NOT_ENOUGH_CREDITS: { status: 429, kind: 'insufficient_credits' },
  // 5xx
  UNKNOWN_ERROR: unavailable(500),
  SERVICE_INTERNAL_ERROR: unavailable(500),
  FILE_SERVICE_ERROR: unavailable(500),
  AI_SERVICE_ERROR: unavailable(500),
  AI_SERVICE_INTERNAL_ERROR: unavailable(500),
  ERROR_GATEWAY: unavailable(502),
  AI_SERVICE_FLOW_RESTRICTION: { status: 503, kind: 'rate_limited' },
  AI_SERVICE_TIMEOUT: unavailable(504),
} as const satisfies Readonly<Record<string, AilabErrorCode>>

/** A code in `AILAB_ERROR_CODES`. */
export type AilabErrorCodeName = keyof typeof AILAB_ERROR_CODES

/** The mapping of a code, or `undefined` when AILab's docs do not list it. */
export function lookupAilabErrorCode(code: string | undefined): AilabErrorCode | undefined {
  if (!code || !Object.hasOwn(AILAB_ERROR_CODES, code)) return undefined
  return AILAB_ERROR_CODES[code as AilabErrorCodeName]
}
