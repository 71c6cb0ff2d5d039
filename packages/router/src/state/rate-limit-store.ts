/** A target's call limits, from the config (`limits` on the provider or target). */
export interface RateLimits {
  /** Calls in flight at once. @default unlimited */
  readonly concurrency?: number
  /** Calls started per second (a token bucket of this size). @default unlimited */
  readonly ratePerSecond?: number
}

/** Frees the concurrency slot taken by `acquire`. Safe to call more than once. */
export type ReleaseSlot = () => Promise<void>

/**
 * Where per-target limits are counted. A provider's limit is per API key, not per process: the
 * default (`MemoryRateLimitStore`) counts in one process; a shared store (Redis) counts across
 * every process using the same key.
 */
export interface RateLimitStore {
  /**
   * Waits until a call to `key` may start (a concurrency slot is free, a rate token is available,
   * and the key is not paused), then takes the slot.
   * @throws the signal's reason when `signal` aborts while waiting (no slot is kept)
   */
  acquire(key: string, limits: RateLimits, signal?: AbortSignal): Promise<ReleaseSlot>
  /**
   * Holds every call to `key` until `untilMs` (epoch milliseconds): a provider answered 429 with
   * Retry-After, so nobody sharing the key should call it before then.
   */
  pause(key: string, untilMs: number): Promise<void>
}
