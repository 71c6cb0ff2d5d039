import { KIND_POLICIES, type PortraitAnimatorError } from '@portrait-animator/core'
import type { RequestContext } from '../request-context.js'
import type { RetirementStore } from '../retirement-store.js'
import type { BreakerOutcome, BreakerSettings, BreakerStore, StoredBreakerState } from '../state/breaker-store.js'

/** The state of one target's breaker, as `targets()` and events show it. */
export type BreakerState = { readonly state: 'closed' } | { readonly state: 'open'; readonly untilMs: number } | { readonly state: 'half-open' } | { readonly state: 'retired' }

/**
 * The breaker policy of one target, over a `BreakerStore` (shared or not): may a call go now, and
 * how did it end. A retirement (the target answered `retired`) shuts it for good in this process;
 * it is remembered across processes by the `RetirementStore`, not here.
 */
export class TargetBreaker {
  private retired = false
  private lastKnown: StoredBreakerState = { state: 'closed', failures: 0 }

  constructor(
    private readonly store: BreakerStore,
    readonly target: string,
    readonly settings: BreakerSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether a call may go now; in half-open state only one caller (sharing the store) gets `true`. */
  async tryAcquire(): Promise<boolean> {
    if (this.retired) return false
    const allowed = await this.store.tryAcquire(this.target, this.settings)
    if (!allowed) this.lastKnown = await this.store.state(this.target, this.settings)
    return allowed
  }

  /** Records how a call ended. @returns `opened: true` when this failure opened the breaker */
  async record(outcome: BreakerOutcome): Promise<{ readonly opened: boolean; readonly untilMs?: number }> {
    const { opened } = await this.store.record(this.target, outcome, this.settings)
    if (outcome === 'success') this.lastKnown = { state: 'closed', failures: 0 }
    if (!opened) return { opened }
    this.lastKnown = await this.store.state(this.target, this.settings)
    return { opened, ...(this.lastKnown.state === 'open' ? { untilMs: this.lastKnown.untilMs } : {}) }
  }

  /** The state now, read from the store. */
  async state(): Promise<BreakerState> {
    if (!this.retired) this.lastKnown = await this.store.state(this.target, this.settings)
    return this.view
  }

  /** The state last seen by this process (no store call): what `targets()` reports. */
  get view(): BreakerState {
    if (this.retired) return { state: 'retired' }
    const known = this.lastKnown
    if (known.state === 'closed') return { state: 'closed' }
    if (known.state === 'open' && this.now() < known.untilMs) return { state: 'open', untilMs: known.untilMs }
    return { state: 'half-open' }
  }

  /** Shuts the target for good (it answered `retired`). */
  retire(): void {
    this.retired = true
  }

  /** Undoes `retire()` (a forgotten retirement). */
  reinstate(): void {
    this.retired = false
  }
}

/** What the breaker policy needs beyond the target's breaker. */
export interface BreakerFailureSettings {
  /** Where a retirement is remembered (for other processes and restarts). */
  readonly retirements?: RetirementStore
  /** The endpoint a retirement holds for (`baseUrl`, or `vendor`). */
  readonly endpoint: string
  readonly now: () => number
}

/**
 * Tells the breaker how a failed attempt ended, by what the error's kind means
 * (`KIND_POLICIES[kind].breaker`): a retirement shuts the target (and is remembered for its
 * endpoint), a counted failure may open the breaker, anything else only frees a half-open probe.
 * Emits `breaker-opened` when the breaker shut.
 * @returns true when the target must not be tried again now (retired, or its breaker opened)
 */
export async function breakerAfterFailure(breaker: TargetBreaker, error: PortraitAnimatorError, context: RequestContext, settings: BreakerFailureSettings): Promise<boolean> {
  const verdict = KIND_POLICIES[error.kind].breaker
  if (verdict === 'retires') {
    breaker.retire()
    context.emit({ type: 'breaker-opened', target: breaker.target, permanent: true })
    await settings.retirements?.remember({ target: breaker.target, endpoint: settings.endpoint, at: new Date(settings.now()).toISOString(), reason: error.message }).catch(() => undefined)
    return true
  }
  const recorded = await breaker.record(verdict === 'counts' ? 'failure' : 'neutral')
  if (!recorded.opened) return false
  context.emit({ type: 'breaker-opened', target: breaker.target, permanent: false, ...(recorded.untilMs === undefined ? {} : { untilMs: recorded.untilMs }) })
  return true
}
