import { PortraitAnimatorError, abortError, withDeadline } from '@portrait-animator/core'
import type { Accepted } from './magichour-errors.js'
import { PROVIDER } from './magichour-limits.js'

/** One call's cancellation: the caller's signal and its `timeoutMs` deadline, as one signal. */
export interface CallScope {
  readonly signal: AbortSignal
  /** Milliseconds since the call started. */
  elapsedMs(): number
  readonly startedAt: number
  /**
   * Stops the deadline's timer and the listener on the caller's signal. Call it when the call
   * ends: a caller may pass one signal to many calls (a `resume` polling every job), and each
   * listener left behind would stay until that signal is gone.
   */
  end(): void
}

/** Combines the caller's `signal` and `timeoutMs` (a `TimeoutError` reason, so it maps to `timeout`). */
export function createCallScope(options: { readonly signal?: AbortSignal; readonly timeoutMs?: number }): CallScope {
  // withDeadline, not AbortSignal.any + AbortSignal.timeout: see its note on garbage collection.
  const deadline = withDeadline(options.signal, options.timeoutMs)
  const startedAt = Date.now()
  return { signal: deadline.signal, startedAt, elapsedMs: () => Date.now() - startedAt, end: () => deadline.clear() }
}

/**
 * Settles with `promise`, or rejects with the signal's reason as soon as `signal` fires. The SDK
 * cannot take a signal, so an abandoned request finishes in the background; `onAbandoned` receives
 * its late result (to release a response body).
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal, onAbandoned?: (value: T) => void): Promise<T> {
  if (signal.aborted) {
    promise.then(onAbandoned, () => undefined)
    return Promise.reject(signal.reason)
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.then(onAbandoned, () => undefined)
      reject(signal.reason)
    }
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      },
    )
  })
}

/**
 * The `cancelled` (caller abort) or `timeout` (deadline) error for a fired signal, with the
 * provider, model and whether a project existed.
 */
export function abortedError(signal: AbortSignal, modelId: string, accepted: Accepted, detail?: string): PortraitAnimatorError {
  const base = abortError(signal, { provider: PROVIDER, modelId })
  const what = base.kind === 'timeout' ? 'passed its deadline' : 'was cancelled'
  return new PortraitAnimatorError({
    kind: base.kind,
    message: `The Magic Hour ${modelId} call ${what}${detail ? `; ${detail}` : ''}.`,
    provider: PROVIDER,
    modelId,
    accepted,
    cause: signal.reason,
  })
}
