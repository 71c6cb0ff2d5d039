import { PortraitAnimatorError, withDeadline } from '@portrait-animator/core'
import type { RequestContext } from '../request-context.js'

/** Which target an error is about. */
export interface TargetName {
  readonly id: string
  readonly providerName: string
  readonly modelId: string
}

/** One attempt's signal: the request's, plus the attempt deadline when there is one. */
export interface AttemptDeadline {
  readonly signal: AbortSignal
  readonly timeoutMs?: number
  /** Stops the timer; call it when the attempt ends. */
  clear(): void
}

/**
 * The deadline policy of one attempt (`targets.ID.timeoutMs`, else `timeouts.attemptMs`): a signal
 * that aborts with the request or when the attempt passes its deadline. `withDeadline`, not
 * `AbortSignal.timeout()`: see its note on garbage collection.
 */
export function attemptDeadline(requestSignal: AbortSignal, timeoutMs: number | undefined): AttemptDeadline {
  if (!timeoutMs) return { signal: requestSignal, clear: () => undefined }
  const deadline = withDeadline(requestSignal, timeoutMs, `The attempt passed its ${timeoutMs} ms deadline.`)
  return { signal: deadline.signal, timeoutMs, clear: () => deadline.clear() }
}

/**
 * The error as the caller should see it once a signal aborted: the whole request's deadline
 * (`timeout`), the caller's abort (`cancelled`), or this attempt's deadline (`timeout`, naming the
 * target). An error that did not come from an abort is returned as it is.
 */
export function abortedAttemptError(error: PortraitAnimatorError, context: RequestContext, deadline: AttemptDeadline, target: TargetName): PortraitAnimatorError {
  const names = { provider: target.providerName, modelId: target.modelId }
  if (context.signal.aborted) {
    return context.deadlinePassed
      ? new PortraitAnimatorError({ kind: 'timeout', message: 'The request passed its deadline.', ...names, accepted: error.accepted ?? 'unknown', cause: error })
      : new PortraitAnimatorError({ kind: 'cancelled', message: 'The request was cancelled.', ...names, ...(error.accepted === undefined ? {} : { accepted: error.accepted }), cause: error })
  }
  if (deadline.signal.aborted && error.kind === 'cancelled') {
    return new PortraitAnimatorError({ kind: 'timeout', message: `${target.id} passed its ${deadline.timeoutMs} ms deadline.`, ...names, accepted: error.accepted ?? 'unknown', cause: error })
  }
  return error
}

/** The error when the request ended (deadline or abort) between two attempts. */
export function requestEndedError(context: RequestContext, target: TargetName): PortraitAnimatorError {
  const deadline = context.deadlinePassed
  return new PortraitAnimatorError({
    kind: deadline ? 'timeout' : 'cancelled',
    message: deadline ? 'The request passed its deadline.' : 'The request was cancelled.',
    provider: target.providerName,
    modelId: target.modelId,
  })
}
