/** Settings of one target's breaker, from the config (`breaker` at the top or on the target). */
export interface BreakerSettings {
  /** Consecutive failures that open the breaker. */
  readonly failureThreshold: number
  /** How long an open breaker stays open before one probe is let through. */
  readonly cooldownMs: number
  /**
   * How long the single half-open probe holds its lease. A process that dies while probing must
   * not keep the target shut: after this, another caller may probe. @default cooldownMs
   */
  readonly probeLeaseMs?: number
}

/** The state of one target's breaker as stored (retirement is kept by the `RetirementStore`). */
export type StoredBreakerState =
  | { readonly state: 'closed'; readonly failures: number }
  | { readonly state: 'open'; readonly failures: number; readonly untilMs: number }
  | { readonly state: 'half-open'; readonly failures: number; readonly probing: boolean }

/** How an attempt ended, as the breaker counts it (see `KIND_POLICIES[kind].breaker`). */
export type BreakerOutcome = 'success' | 'failure' | 'neutral'

/**
 * Where the router keeps its circuit breakers. The default is one process's memory
 * (`MemoryBreakerStore`); a shared store (Redis) makes every worker see a breaker open once and
 * lets exactly one of them probe a half-open target.
 *
 * Every method is keyed by target id (`provider/model`) and takes the target's settings, so one
 * store serves targets with different thresholds.
 */
export interface BreakerStore {
  /**
   * Whether a call to `target` may go now. Closed: always. Open: never. Half-open: only the first
   * caller (across every process sharing the store) gets `true`, holding the probe lease.
   */
  tryAcquire(target: string, settings: BreakerSettings): Promise<boolean>
  /**
   * Records how an attempt ended. A success closes the breaker; a failure counts towards
   * `failureThreshold` and (re)opens it for `cooldownMs`; a neutral outcome only releases a probe.
   * @returns `opened: true` when this failure opened the breaker
   */
  record(target: string, outcome: BreakerOutcome, settings: BreakerSettings): Promise<{ readonly opened: boolean }>
  /** The breaker's state now. */
  state(target: string, settings: BreakerSettings): Promise<StoredBreakerState>
  /** Every target the store has a non-closed breaker for (for `state` listings). */
  list(): Promise<Array<{ readonly target: string } & StoredBreakerState>>
  /** Closes the breaker of `target` (forgets its failures). @returns whether it was not closed */
  reset(target: string): Promise<boolean>
}
