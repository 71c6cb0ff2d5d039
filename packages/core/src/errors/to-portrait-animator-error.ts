import { PortraitAnimatorError } from './portrait-animator-error.js'

/** Context to attach when wrapping a foreign error. */
export interface ErrorContext {
  readonly provider?: string
  readonly modelId?: string
}

/**
 * Turns anything thrown into a `PortraitAnimatorError`, keeping one that already is. An abort
 * becomes `cancelled`, a timeout signal `timeout`, anything else `provider_error` with the original
 * as `cause`.
 */
export function toPortraitAnimatorError(error: unknown, context: ErrorContext = {}): PortraitAnimatorError {
  if (PortraitAnimatorError.isInstance(error)) return error
  const name = error instanceof Error || (typeof error === 'object' && error !== null) ? (error as { name?: unknown }).name : undefined
  if (name === 'TimeoutError') {
    return new PortraitAnimatorError({ kind: 'timeout', message: 'The operation passed its deadline.', ...context, cause: error })
  }
  if (name === 'AbortError') {
    return new PortraitAnimatorError({ kind: 'cancelled', message: 'The operation was cancelled.', ...context, cause: error })
  }
  const message = error instanceof Error ? error.message : String(error)
  return new PortraitAnimatorError({ kind: 'provider_error', message: message || 'Unknown error.', ...context, cause: error })
}

/**
 * The error to throw when `signal` has fired: `timeout` when the reason is a timeout,
 * `cancelled` otherwise.
 */
export function abortError(signal: AbortSignal, context: ErrorContext = {}): PortraitAnimatorError {
  return toPortraitAnimatorError(signal.reason ?? new DOMException('Aborted', 'AbortError'), context)
}
