import { PortraitAnimatorError } from '../errors/index.js'

/** Socket error codes that prove the request never reached the server. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'ECONNABORTED_BEFORE_SEND'])

/** The innermost `code` of an error chain (`fetch failed` -> `ECONNREFUSED`). */
export function networkErrorCode(error: unknown): string | undefined {
  let current: unknown = error
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string') return code
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

/**
 * Maps a transport failure (refused, reset, DNS, TLS) to a retryable `unavailable` error.
 * `accepted` is `false` when the code proves nothing was sent, `'unknown'` otherwise: a reset
 * after the body went out may mean the provider started (and charges for) the work.
 */
export function networkError(error: unknown, context: { provider: string; url: string }): PortraitAnimatorError {
  const code = networkErrorCode(error)
  const host = safeHost(context.url)
  return new PortraitAnimatorError({
    kind: 'unavailable',
    message: `Could not reach ${context.provider} at ${host}${code ? ` (${code})` : ''}.`,
    provider: context.provider,
    retryable: true,
    accepted: code !== undefined && NOT_SENT_CODES.has(code) ? false : 'unknown',
    ...(code ? { providerCode: code } : {}),
    cause: error,
  })
}

function safeHost(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return 'the provider'
  }
}
