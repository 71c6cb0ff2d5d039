import { CONFIG_DEFAULTS } from '@portrait-animator/core'

/** Retry timing for one target. */
export interface BackoffPolicy {
  readonly maxAttempts: number
  readonly baseDelayMs: number
  readonly maxDelayMs: number
  readonly maxRetryAfterMs: number
}

/** The defaults used when the config says nothing. */
export const DEFAULT_BACKOFF: BackoffPolicy = CONFIG_DEFAULTS.retry

/**
 * How long to wait before retry number `attempt` (1 = first retry): exponential with full jitter
 * (`random() * min(max, base * 2^(attempt-1))`), or the provider's `Retry-After` when it gave one.
 *
 * @returns the delay, or `undefined` when the provider asks for more than `maxRetryAfterMs` (better
 * to move on to the next target than to wait that long).
 */
export function retryDelay(policy: BackoffPolicy, attempt: number, retryAfterMs: number | undefined, random: () => number): number | undefined {
  if (retryAfterMs !== undefined) return retryAfterMs > policy.maxRetryAfterMs ? undefined : retryAfterMs
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1))
  return Math.round(random() * ceiling)
}
