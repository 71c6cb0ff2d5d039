import type { EmulatorRuntime } from './emulator-runtime.js'
import type { FaultEffect } from './fault-types.js'
import { jsonReply, type Reply } from './reply.js'
import type { RouteContext } from './router.js'

const DEFAULT_MESSAGES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment required',
  403: 'Forbidden',
  404: 'Not Found',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
}

/** Magic Hour's error body: `{ "message": "..." }`. */
export function magicHourError(status: number, message?: string): Reply {
  return jsonReply(status, { message: message ?? DEFAULT_MESSAGES[status] ?? 'Error' })
}

/** Magic Hour's answer for an injected status (`code` or `message` become the message). */
export function magicHourFaultReply(status: number, effect: FaultEffect): Reply {
  return magicHourError(status, effect.message ?? effect.code)
}

/** An S3-style XML error, as the storage behind pre-signed upload and download URLs answers. */
export function storageError(status: number, code: string, message: string): Reply {
  return {
    status,
    headers: { 'content-type': 'application/xml' },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`,
  }
}

/** The storage's answer for an injected status on an upload or download URL. */
export function storageFaultReply(status: number, effect: FaultEffect): Reply {
  return storageError(status, effect.code ?? (status >= 500 ? 'InternalError' : 'AccessDenied'), effect.message ?? DEFAULT_MESSAGES[status] ?? 'Error')
}

/** The account behind `Authorization: Bearer <key>`, or the 401 to answer. */
export function magicHourAccount(runtime: EmulatorRuntime, context: RouteContext): { account: string } | { reply: Reply } {
  const match = /^Bearer\s+(.+)$/i.exec(context.request.headers.authorization ?? '')
  const account = runtime.accounts.authorize('magichour', match?.[1]?.trim())
  return account ? { account } : { reply: magicHourError(401, 'Unauthorized') }
}

/**
 * The account and JSON body of an authenticated Magic Hour POST, or the reply to send instead
 * (401 for a bad key, 400 for a missing or malformed body, as the real API answers).
 */
export async function magicHourJsonRequest(runtime: EmulatorRuntime, context: RouteContext): Promise<{ account: string; body: unknown } | { reply: Reply }> {
  const auth = magicHourAccount(runtime, context)
  if ('reply' in auth) {
    context.request.resume()
    return auth
  }
  try {
    return { account: auth.account, body: JSON.parse((await context.readBody(1024 * 1024)).toString('utf8')) as unknown }
  } catch {
    return { reply: magicHourError(400, 'Missing request body') }
  }
}
