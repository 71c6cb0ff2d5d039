/** The state of one target's breaker. */
export type BreakerState = { readonly state: 'closed' } | { readonly state: 'open'; readonly untilMs: number } | { readonly state: 'half-open' } | { readonly state: 'retired' }

/**
 * A breaker per target: `failureThreshold` consecutive failures open it for `cooldownMs`, after
 * which exactly one probe is let through (half-open); its success closes the breaker, its failure
 * opens it again. `retire()` opens it for good.
 */
export class CircuitBreaker {
  private failures = 0
  private openUntil = 0
  private probing = false
  private retired = false

  constructor(
    private readonly failureThreshold: number,
    private readonly cooldownMs: number,
    private readonly now: () => number,
  ) {}

  /** Whether a call may go through now. In half-open state, only the first caller gets `true`. */
  tryAcquire(): boolean {
    if (this.retired) return false
    if (this.failures < this.failureThreshold) return true
    if (this.now() < this.openUntil) return false
    if (this.probing) return false
    this.probing = true
    return true
  }

  /** The state as seen from outside, for events and `targets()`. */
  get state(): BreakerState {
    if (this.retired) return { state: 'retired' }
    if (this.failures < this.failureThreshold) return { state: 'closed' }
    if (this.now() < this.openUntil) return { state: 'open', untilMs: this.openUntil }
    return { state: 'half-open' }
  }

  recordSuccess(): void {
    this.failures = 0
    this.probing = false
  }

  /** @returns true when this failure opened the breaker. */
  recordFailure(): boolean {
    this.probing = false
    this.failures++
    if (this.failures >= this.failureThreshold) {
      this.openUntil = this.now() + this.cooldownMs
      return true
    }
    return false
  }

  /** A failure that says nothing about the target's health (bad input, no face, cancelled). */
  recordNeutral(): void {
    this.probing = false
  }

  retire(): void {
    this.retired = true
  }

  /** Undoes `retire()` (a forgotten retirement): the breaker is closed again. */
  reinstate(): void {
    this.retired = false
    this.failures = 0
    this.probing = false
  }
}
