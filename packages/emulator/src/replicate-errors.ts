import type { EmulatorRuntime } from './emulator-runtime.js'
import type { FaultEffect } from './fault-types.js'
import { jsonReply, type Reply } from './reply.js'
import type { RouteContext } from './router.js'

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad request',
  401: 'Unauthenticated',
  402: 'Insufficient credit',
  404: 'Not found',
  422: 'Input validation failed',
  429: 'Request was throttled',
  500: 'Internal server error',
  502: 'Bad gateway',
  503: 'Service unavailable',
}

const DETAILS: Readonly<Record<number, string>> = {
  401: 'You did not pass a valid authentication token',
  402: 'You have insufficient credit to run this model.',
  404: 'The requested resource could not be found.',
  429: 'Request was throttled.',
}

/** Replicate's error body, an RFC 7807 problem: `{ "title", "detail", "status" }`. */
export function replicateError(status: number, detail?: string, headers: Readonly<Record<string, string>> = {}): Reply {
  const title = TITLES[status] ?? 'Error'
  return jsonReply(status, { title, detail: detail ?? DETAILS[status] ?? title, status }, { 'content-type': 'application/problem+json', ...headers })
}

/** Replicate's answer for an injected status (`message` or `code` become the detail). */
export function replicateFaultReply(status: number, effect: FaultEffect): Reply {
  return replicateError(status, effect.message ?? effect.code)
}

/** The account behind `Authorization: Bearer <token>` (or the older `Token <token>`), or the 401. */
export function replicateAccount(runtime: EmulatorRuntime, context: RouteContext): { account: string } | { reply: Reply } {
  const match = /^(?:Bearer|Token)\s+(.+)$/i.exec(context.request.headers.authorization ?? '')
  const account = runtime.accounts.authorize('replicate', match?.[1]?.trim())
  return account ? { account } : { reply: replicateError(401) }
}
