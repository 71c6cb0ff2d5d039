import pRetry, { AbortError } from 'p-retry'
import { sleep, type PortraitAnimatorError } from '@portrait-animator/core'
import { retryDelay, type BackoffPolicy } from '../backoff.js'
import { mayHaveCharged } from '../charge-risk.js'

/** What decides a retry of the same target. */
export interface RetrySettings {
  readonly backoff: BackoffPolicy
  /** Calling the target costs nothing, so a resubmission can never pay twice. */
  readonly free: boolean
  readonly random: () => number
}

/**
 * How long to wait before trying `error`'s target again after try number `attempt`, or
 * `undefined` for no retry: the error is not retryable, the tries are used up, the provider asks
 * to wait longer than `maxRetryAfterMs` (`Retry-After`), or the failed try may have left a billed
 * job behind (`mayHaveCharged`) on a paid target.
 */
export function retryDelayFor(error: PortraitAnimatorError, attempt: number, settings: RetrySettings): number | undefined {
  if (!error.retryable || attempt >= settings.backoff.maxAttempts) return undefined
  if (!settings.free && mayHaveCharged(error)) return undefined
  return retryDelay(settings.backoff, attempt, error.retryAfterMs, settings.random)
}

/** Options of `withRetries`. */
export interface WithRetriesOptions {
  readonly settings: RetrySettings
  /** The request's signal: a wait between tries ends when it aborts. */
  readonly signal: AbortSignal
  /** Called before each wait (for the `retry-scheduled` event). */
  readonly onRetry: (nextAttempt: number, delayMs: number, error: PortraitAnimatorError) => void
  /** The error to end with when `signal` aborts during a wait. */
  readonly ended: () => PortraitAnimatorError
}

/** Marks an error after which the same target must not be tried again (the route stopped, the breaker opened). */
export function finalError(error: PortraitAnimatorError): Error {
  return new AbortError(error)
}

/**
 * The retry policy: runs `attempt(1)`, `attempt(2)`, … until one resolves, an error is final
 * (`finalError`) or `retryDelayFor` says no, and rejects with the last error.
 *
 * p-retry runs the loop (counting tries, final errors). Its own delay is turned off (`minTimeout:
 * 0`) because it computes one delay from the try number alone and cannot express two rules:
 * waiting exactly a provider's `Retry-After` (or giving up when that is too long), and never
 * retrying a paid call whose failure may have left a billed job. Both depend on the error, so the
 * wait happens in `shouldRetry`, which p-retry awaits, with the one abortable `sleep`.
 */
export function withRetries<T>(attempt: (attemptNumber: number) => Promise<T>, options: WithRetriesOptions): Promise<T> {
  return pRetry(attempt, {
    retries: Math.max(0, options.settings.backoff.maxAttempts - 1),
    minTimeout: 0,
    maxTimeout: 0,
    randomize: false,
    async shouldRetry({ error, attemptNumber }) {
      const failure = error as PortraitAnimatorError
      const delayMs = retryDelayFor(failure, attemptNumber, options.settings)
      if (delayMs === undefined) return false
      options.onRetry(attemptNumber + 1, delayMs, failure)
      await sleep(delayMs, options.signal).catch(() => undefined)
      if (options.signal.aborted) throw options.ended()
      return true
    },
  })
}
