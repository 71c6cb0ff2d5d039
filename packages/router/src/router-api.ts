import type { AnimationRequest, AnimationResult, AnimatorProviderFactory, CallOptions, Capabilities, CompareEntry, LoadedConfig, PortraitAnimator, PortraitAnimatorError } from '@portrait-animator/core'
import type { BreakerStore } from './state/breaker-store.js'
import type { StoredBreakerState } from './state/breaker-store.js'
import type { JobJournal, JournalEntry } from './state/job-journal-store.js'
import type { RateLimitStore } from './state/rate-limit-store.js'
import type { RetirementRecord, RetirementStore } from './retirement-store.js'
import type { RouterEventListener } from './router-events.js'
import type { SubmitIntent } from './state/submit-intent.js'

/** Options for `createRouter` beyond the configuration document. */
export interface RouterOptions {
  /** Provider factories by adapter name, instead of importing `@portrait-animator/adapter-<name>`. */
  readonly factories?: Readonly<Record<string, AnimatorProviderFactory>>
  /** Ready animators by target id (`fal/live-portrait`), mostly for tests. */
  readonly animators?: Readonly<Record<string, PortraitAnimator>>
  /** Where `env:NAME` key references are read. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** Receives every routing decision. More listeners can be added with `router.on()`. */
  readonly onEvent?: RouterEventListener
  /** Allow media URLs on private networks (an emulator on loopback). @default false */
  readonly allowPrivateNetwork?: boolean
  /** Randomness for jitter and unsticky splits. @default Math.random */
  readonly random?: () => number
  /** Clock. @default Date.now */
  readonly now?: () => number
  /**
   * How long a target may take to stop after an abort or deadline before the router stops waiting
   * for it (the attempt is then recorded with `accepted: 'unknown'`). @default 5000
   */
  readonly abortGraceMs?: number
  /**
   * Where retirements are remembered. @default a `FileRetirementStore` in `stateDir`, whose
   * records are rechecked after `breaker.retiredRecheckMs`
   */
  readonly retirementStore?: RetirementStore
  /**
   * Where circuit breakers are kept. Share one store (Redis) between workers so a breaker opens for
   * all of them and exactly one probes a half-open target. @default a `MemoryBreakerStore` of this router
   */
  readonly breakerStore?: BreakerStore
  /**
   * Where per-target limits (`limits.concurrency`, `limits.ratePerSecond`) and 429 pauses are
   * counted, keyed by target id. @default a `MemoryRateLimitStore` of this router
   */
  readonly rateLimitStore?: RateLimitStore
  /**
   * Where paid async jobs are journaled before they are followed, for `resume()`. Given here, it is
   * used even when the config says `journal: false`. @default a `FileJobJournal` in `<stateDir>/journal`
   * (none with `journal: false`)
   */
  readonly journal?: JobJournal
  /** Milliseconds between `status()` polls when resuming journaled jobs. @default 500 */
  readonly resumePollIntervalMs?: number
}

/** Call options of the router: the route to use, on top of the usual options. */
export interface RouterCallOptions extends CallOptions {
  /** A route name from the config. @default by motion (`motionRoutes`), else `default` */
  readonly route?: string
}

/** A journaled job picked up again by `resume()`. */
export interface ResumedJob {
  readonly entry: JournalEntry
  readonly result?: AnimationResult
  readonly error?: PortraitAnimatorError
  readonly intent?: undefined
}

/**
 * A paid submit found in flight by `resume()`: a process stopped after taking its mark and before
 * journaling the job's handle. The provider may have accepted and charged the job, which nobody can
 * follow without its handle. It is reported (here and as a `submit-unknown` event), never submitted
 * again: `error` is `unavailable` with `accepted: 'unknown'`, and says how to submit it anyway.
 */
export interface UnknownSubmit {
  readonly intent: SubmitIntent
  readonly error: PortraitAnimatorError
  readonly entry?: undefined
  readonly result?: undefined
}

/** What `resume()` found: a journaled job followed to its end, or a submit whose acceptance is unknown. */
export type ResumeOutcome = ResumedJob | UnknownSubmit

/** What `targets()` reports for each target: enough for a `providers` listing. */
export interface TargetInfo {
  readonly target: string
  readonly configured: boolean
  readonly reason?: string
  readonly capabilities?: Capabilities
  readonly breaker: string
}

/**
 * The router: itself a `PortraitAnimator`, so routes nest and app code never changes.
 */
export interface Router extends PortraitAnimator {
  /** Animates through a route (by name, by motion, or `default`). */
  animate(request: AnimationRequest, options?: RouterCallOptions): Promise<AnimationResult>
  /** A `PortraitAnimator` bound to one route. */
  route(name: string): PortraitAnimator
  /** Runs the request on every target of a route (or the given targets) and reports each outcome. */
  compare(request: AnimationRequest, options?: RouterCallOptions & { readonly targets?: readonly string[]; readonly concurrency?: number }): Promise<CompareEntry[]>
  /**
   * Finishes jobs left in the journal by a crashed process, without submitting them again, and
   * reports (once) each submit a crashed process left in flight before its handle was journaled
   * (`UnknownSubmit`: acceptance unknown, not submitted again).
   */
  resume(options?: CallOptions): Promise<ResumeOutcome[]>
  /** Every target with its configuration state. */
  targets(): TargetInfo[]
  /** Adds an event listener; returns a function that removes it. */
  on(listener: RouterEventListener): () => void
  /** Targets remembered as retired (by target and endpoint), still in force. */
  retirements(): Promise<RetirementRecord[]>
  /**
   * Forgets that `target` answered `retired` (at `endpoint`, or at every endpoint), so the next
   * request calls it again.
   * @returns how many remembered retirements were forgotten
   * @example
   * ```ts
   * for (const record of await router.retirements()) console.log(record.target, record.endpoint, record.at)
   * await router.forgetRetirement('ailab/live-photo')
   * ```
   */
  forgetRetirement(target: string, endpoint?: string): Promise<number>
  /** Resolves when background work (shadow runs) has finished. */
  settle(): Promise<void>
  /** The loaded configuration. */
  readonly config: LoadedConfig
  /**
   * The state folder in force (the config's `stateDir`, else `$PORTRAIT_ANIMATOR_STATE_DIR`, else the
   * platform's: see `defaultStateDir`), where the default journal and retirement store live.
   */
  readonly stateDir: string
  /**
   * The journal of paid async jobs in force (the one passed in `RouterOptions.journal`, else the
   * file journal in `stateDir`), absent with `journal: false`. For listing and closing entries
   * (`portrait-animator state`); `resume()` finishes them.
   */
  readonly journal?: JobJournal
  /** Breakers that are not closed, as the breaker store has them now (shared across processes with a shared store). */
  breakers(): Promise<Array<{ readonly target: string } & StoredBreakerState>>
  /** Closes the breaker of `target`. @returns whether it was open or half-open */
  resetBreaker(target: string): Promise<boolean>
}
