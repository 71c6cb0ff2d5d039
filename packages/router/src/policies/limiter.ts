import type { RateLimits, RateLimitStore, ReleaseSlot } from '../state/rate-limit-store.js'

/**
 * The limiter policy of one target, over a `RateLimitStore` (shared or not): a slot before each
 * attempt (concurrency and rate), and a pause for every caller sharing the store when the
 * provider asks to wait.
 */
export class TargetLimiter {
  constructor(
    private readonly store: RateLimitStore,
    /** The store key: the target id, so limits hold across processes sharing the store. */
    readonly key: string,
    readonly limits: RateLimits,
  ) {}

  /**
   * Waits for a slot (rejecting with the signal's reason if it aborts while waiting) and returns
   * the function that frees it.
   */
  acquire(signal?: AbortSignal): Promise<ReleaseSlot> {
    return this.store.acquire(this.key, this.limits, signal)
  }

  /** Runs `work` in a slot (waiting for one first) and frees the slot when it settles. */
  async run<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
    const release = await this.acquire(signal)
    try {
      return await work()
    } finally {
      await release()
    }
  }

  /**
   * A 429 with `Retry-After`: nobody sharing the store starts a call to the target before
   * `retryAfterMs` from `nowMs`. A store failure is ignored (this caller's retry waits anyway).
   */
  async pauseFor(retryAfterMs: number, nowMs: number): Promise<void> {
    await this.store.pause(this.key, nowMs + retryAfterMs).catch(() => undefined)
  }
}
