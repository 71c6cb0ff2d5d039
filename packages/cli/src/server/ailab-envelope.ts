import { randomUUID } from 'node:crypto'

/** The response envelope AILabTools clients parse (both the older and the newer field sets). */
export interface AilabEnvelope {
  readonly request_id: string
  readonly log_id: string
  readonly error_code: number
  readonly error_code_str: string
  readonly error_msg: string
  readonly error_detail: { readonly status_code: number; readonly code: string; readonly code_message: string; readonly message: string }
  readonly data?: { readonly video: string }
}

/** A success envelope carrying a base64 video. */
export function successEnvelope(requestId: string, videoBase64: string): AilabEnvelope {
  return {
    request_id: requestId,
    log_id: randomUUID().replace(/-/g, '').slice(0, 16),
    error_code: 0,
    error_code_str: '',
    error_msg: '',
    error_detail: { status_code: 200, code: '', code_message: '', message: '' },
    data: { video: videoBase64 },
  }
}

/** An error envelope, as AILabTools sends them: `error_code` equals the HTTP status. */
export function errorEnvelope(requestId: string, status: number, code: string, codeMessage: string, message: string): AilabEnvelope {
  return {
    request_id: requestId,
    log_id: randomUUID().replace(/-/g, '').slice(0, 16),
    error_code: status,
    error_code_str: code,
    error_msg: `${codeMessage} ${message}`.trim(),
    error_detail: { status_code: status, code, code_message: codeMessage, message },
  }
}
