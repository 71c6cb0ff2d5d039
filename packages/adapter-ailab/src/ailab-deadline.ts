import { PortraitAnimatorError, withDeadline } from '@portrait-animator/core'
import { AILAB_LIVE_PHOTO_MODEL, AILAB_PROVIDER } from './ailab-constants.js'

/** One call's deadline and the caller's signal, merged into a single signal. */
export interface CallDeadline {
  /** Fires when the caller aborts or the deadline passes. */
  readonly signal: AbortSignal
  /** Milliseconds left before the deadline (at least 1). */
  remainingMs(): number
  /**
   * The error to throw now that `signal` fired, or `error` unchanged when it did not: `timeout` for
   * the deadline, `cancelled` for the caller. `accepted` says whether the request had been sent.
   */
  explain(error: unknown, accepted: false | 'unknown'): unknown
  /** Stops the clock; call once the work is over. */
  dispose(): void
}

/** Starts the clock of a call that must end within `timeoutMs` or when `callerSignal` fires. */
export function startDeadline(timeoutMs: number, callerSignal: AbortSignal | undefined): CallDeadline {
  const deadline = withDeadline(callerSignal, timeoutMs, 'The call passed its deadline.')
  const explained = new WeakSet<object>()

  return {
    signal: deadline.signal,
    remainingMs: () => Math.max(1, deadline.remainingMs()),
    explain(error, accepted) {
      if (!deadline.signal.aborted || (typeof error === 'object' && error !== null && explained.has(error))) return error
      const cause = PortraitAnimatorError.isInstance(error) ? (error.cause ?? error) : error
      const remember = (made: PortraitAnimatorError) => (explained.add(made), made)
      if (deadline.timedOut) {
        return remember(new PortraitAnimatorError({
          kind: 'timeout',
          message: `The AILabTools Live Photos call passed its deadline of ${timeoutMs} ms.`,
          provider: AILAB_PROVIDER,
          modelId: AILAB_LIVE_PHOTO_MODEL,
          retryable: false,
          accepted,
          cause,
        }))
      }
      return remember(new PortraitAnimatorError({
        kind: 'cancelled',
        message: 'The AILabTools Live Photos call was cancelled.',
        provider: AILAB_PROVIDER,
        modelId: AILAB_LIVE_PHOTO_MODEL,
        retryable: false,
        accepted,
        cause,
      }))
    },
    dispose() {
      deadline.clear()
    },
  }
}
