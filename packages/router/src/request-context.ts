import { redact, withDeadline, type Attempt, type Deadline, type CallOptions, type PortraitAnimatorError } from '@portrait-animator/core'
import type { RouterEvent, RouterEventListener, SkipCode } from './router-events.js'

type EventBody = RouterEvent extends infer Event ? (Event extends RouterEvent ? Omit<Event, 'route' | 'requestId' | 'elapsedMs'> : never) : never

/** The state of one request as it moves through the targets of a route. */
export class RequestContext {
  readonly attempts: Attempt[] = []
  readonly startedAt: number
  /** Set when a paid target may have accepted work whose answer was lost. */
  paidTargetsBlocked = false
  /** The first target's `invalid_input` rejection of the request's media, if any. */
  inputRejection: PortraitAnimatorError | undefined
  /** Why each skipped target was skipped. */
  readonly skipCodes: SkipCode[] = []
  /** The caller's signal combined with the request deadline. */
  readonly signal: AbortSignal
  private readonly deadline: Deadline

  constructor(
    readonly route: string,
    readonly requestId: string,
    readonly options: CallOptions,
    requestTimeoutMs: number | undefined,
    private readonly listeners: readonly RouterEventListener[],
    private readonly now: () => number,
  ) {
    this.startedAt = now()
    // withDeadline, not AbortSignal.any + AbortSignal.timeout: see its note on garbage collection.
    this.deadline = withDeadline(options.signal, requestTimeoutMs || undefined, 'The request passed its deadline.')
    this.signal = this.deadline.signal
  }

  get elapsedMs(): number {
    return this.now() - this.startedAt
  }

  /** True when the request as a whole passed its deadline (rather than the caller aborting). */
  get deadlinePassed(): boolean {
    return this.deadline.timedOut && this.options.signal?.aborted !== true
  }

  /** Stops the deadline's timer and lets go of the caller's signal; call it when the request ends. */
  end(): void {
    this.deadline.clear()
  }

  emit(event: EventBody): void {
    const full = { ...event, route: this.route, requestId: this.requestId, elapsedMs: this.elapsedMs } as RouterEvent
    for (const listener of this.listeners) {
      try {
        listener(full)
      } catch {
        // A listener must never break routing.
      }
    }
  }

  skip(target: string, code: SkipCode, reason: string): void {
    const [provider = '', modelId = ''] = target.split('/')
    const safeReason = redact(reason)
    this.skipCodes.push(code)
    this.attempts.push({ target, provider, modelId, outcome: 'skipped', reason: safeReason, attempt: 0, startedAt: new Date(this.now()).toISOString(), durationMs: 0 })
    this.emit({ type: 'skipped', target, code, reason: safeReason })
  }
}
