import type { EmulatorRuntime } from './emulator-runtime.js'
import { falPlainError } from './fal-errors.js'
import type { Reply } from './reply.js'
import type { RouteContext } from './router.js'

/** The account behind `Authorization: Key <credentials>`, or the 401 to answer. */
export function falAccount(runtime: EmulatorRuntime, context: RouteContext): { account: string } | { reply: Reply } {
  const header = context.request.headers.authorization ?? ''
  const match = /^Key\s+(.+)$/i.exec(header)
  if (!match) return { reply: falPlainError(401, 'Missing or malformed Authorization header; expected "Key <FAL_KEY>"') }
  const account = runtime.accounts.authorize('fal', match[1]?.trim())
  return account ? { account } : { reply: falPlainError(401, 'No user found for Key ID and Secret') }
}
