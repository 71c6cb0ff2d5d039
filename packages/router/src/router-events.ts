import type { ErrorKind, JobHandle, ProgressPhase } from '@portrait-animator/core'

/** Fields every router event carries. */
interface EventBase {
  /** The route serving the request. */
  readonly route: string
  /** A per-request id, to group the events of one request. */
  readonly requestId: string
  /** Milliseconds since the request started. */
  readonly elapsedMs: number
}

/**
 * Everything the router decides, as events. None carries a secret: reasons and messages are
 * redacted like error messages.
 */
export type RouterEvent = EventBase &
  (
    | { readonly type: 'skipped'; readonly target: string; readonly reason: string; readonly code: SkipCode }
    | { readonly type: 'attempt-started'; readonly target: string; readonly attempt: number; readonly arm?: string }
    | {
        readonly type: 'attempt-failed'
        readonly target: string
        readonly attempt: number
        readonly errorKind: ErrorKind
        readonly message: string
        readonly retryable: boolean
        readonly accepted?: boolean | 'unknown'
      }
    | { readonly type: 'retry-scheduled'; readonly target: string; readonly attempt: number; readonly delayMs: number; readonly reason: string }
    | { readonly type: 'fallback'; readonly from: string; readonly to?: string; readonly reason: string }
    | { readonly type: 'breaker-opened'; readonly target: string; readonly permanent: boolean; readonly untilMs?: number }
    | { readonly type: 'job-queued'; readonly target: string; readonly handle: JobHandle }
    | { readonly type: 'job-progress'; readonly target: string; readonly phase: ProgressPhase; readonly queuePosition?: number; readonly progress?: number }
    | { readonly type: 'job-completed'; readonly target: string; readonly jobId: string }
    | { readonly type: 'result'; readonly target: string; readonly durationMs: number; readonly arm?: string }
    | { readonly type: 'failed'; readonly errorKind: ErrorKind; readonly message: string }
    | { readonly type: 'shadow-result'; readonly target: string; readonly ok: boolean; readonly durationMs: number; readonly errorKind?: ErrorKind }
    /**
     * From `resume()`: a process stopped while submitting to `target`, before the job's handle was
     * journaled. The provider may have accepted and charged it; it is not submitted again.
     * `requestId` is the mark's journal id; `elapsedMs` the time since the mark was taken.
     */
    | { readonly type: 'submit-unknown'; readonly target: string; readonly id: string; readonly at: string; readonly message: string }
  )

/** Why a target was not called. */
export type SkipCode =
  | 'unconfigured'
  | 'retired'
  | 'breaker-open'
  | 'unsupported'
  | 'input-limits'
  | 'budget'
  | 'unknown-acceptance'
  | 'unavailable'

/** Receives router events. Must not throw; exceptions are swallowed so a listener can never break routing. */
export type RouterEventListener = (event: RouterEvent) => void
