/**
 * AILab envelopes as the docs show them (providers.md §1.1-1.2): the older shape with
 * `error_code`/`error_code_str`/`error_msg`/`error_detail.status_code`, and the newer one with only
 * `request_id`, `log_id` and `error_detail.{code, code_message, message}`.
 */

export function olderSuccess(videoBase64: string, ids = { request_id: 'req-older-1', log_id: 'log-older-1' }) {
  return {
    ...ids,
    error_code: 0,
    error_code_str: '',
    error_msg: '',
    error_detail: { status_code: 200, code: '', code_message: '', message: '' },
    data: { video: videoBase64 },
  }
}

export function newerSuccess(videoBase64: string, ids = { request_id: 'req-newer-1', log_id: 'log-newer-1' }) {
  return { ...ids, error_detail: { code: '', code_message: '', message: '' }, data: { video: videoBase64 } }
}

/** The older error envelope, like the docs' no-face example. */
export function olderError(status: number, code: string, requestId = `req-${code.toLowerCase()}`) {
  return {
    request_id: requestId,
    log_id: `log-${code.toLowerCase()}`,
    error_code: status,
    error_code_str: code,
    error_msg: `${code} happened - 222202 - detail`,
    error_detail: { status_code: status, code, code_message: `Message for ${code}.`, message: 'supplementary detail' },
  }
}

/** The newer error envelope: no `error_code`, no `error_code_str`, no `status_code`. */
export function newerError(code: string, requestId = `req-${code.toLowerCase()}`) {
  return {
    request_id: requestId,
    log_id: `log-${code.toLowerCase()}`,
    error_detail: { code, code_message: `Message for ${code}.`, message: 'supplementary detail' },
  }
}

/** The docs' own example of a no-face failure, verbatim. */
export const DOCS_NO_FACE_EXAMPLE = {
  error_code: 422,
  error_detail: { status_code: 422, code: 'ERROR_NO_FACE_IN_FILE', code_message: 'No face detected in the file.', message: 'pic not has face' },
  error_code_str: 'FILE_CONTENT_NON_COMPLIANCE',
  error_msg: 'File content does not meet requirements. - 222202 - pic not has face',
}
