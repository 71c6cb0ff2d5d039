import { KIND_POLICIES, toPortraitAnimatorError, type AnimationRequest, type AnimationResult, type PortraitAnimator, type PortraitAnimatorError } from '@portrait-animator/core'
import { breakerAfterFailure } from './policies/breaker.js'
import { abortedAttemptError, attemptDeadline, requestEndedError, type AttemptDeadline } from './policies/deadline.js'
import { AttemptJournal } from './policies/journal.js'
import { finalError, withRetries } from './policies/retry.js'
import type { RequestContext } from './request-context.js'
import type { RetirementStore } from './retirement-store.js'
import { ABORT_GRACE_MS, settleAfterAbort } from './settle-after-abort.js'
import type { JobJournal } from './state/job-journal-store.js'
import type { TargetEntry } from './target-registry.js'

/** What `runTarget` needs beyond the target and the request. */
export interface RunTargetDependencies {
  readonly journal?: JobJournal
  readonly retirements?: RetirementStore
  readonly random: () => number
  readonly now: () => number
  readonly attemptTimeoutMs?: number
  /** How long an adapter may take to stop after an abort. @default ABORT_GRACE_MS */
  readonly abortGraceMs?: number
  /** Counter for journal ids within the request. */
  nextJobNumber: () => number
}

/** One try of one target within a request. */
interface Attempt {
  readonly entry: TargetEntry
  readonly request: AnimationRequest
  readonly context: RequestContext
  readonly deps: RunTargetDependencies
  readonly number: number
  readonly arm?: string
}

/** True when calling the target costs nothing (offline, or an estimate of zero). */
export function isFree(animator: PortraitAnimator, request: AnimationRequest): boolean {
  if (animator.capabilities.offline) return true
  return animator.estimateCost?.(request)?.usd === 0
}

/**
 * Calls one target through its policies, outermost first: retry (`policies/retry.ts`), then per
 * attempt the deadline, the limiter, the journal, and on failure the breaker. Records every
 * attempt on `context` and resolves with the result, or rejects with the last error.
 */
export function runTarget(entry: TargetEntry, request: AnimationRequest, context: RequestContext, deps: RunTargetDependencies, arm?: string): Promise<AnimationResult> {
  return withRetries((number) => runAttempt({ entry, request, context, deps, number, ...(arm ? { arm } : {}) }), {
    settings: { backoff: entry.backoff, free: isFree(entry.animator!, request), random: deps.random },
    signal: context.signal,
    onRetry: (attempt, delayMs, error) => context.emit({ type: 'retry-scheduled', target: entry.id, attempt, delayMs, reason: error.kind }),
    ended: () => requestEndedError(context, entry),
  })
}

async function runAttempt(attempt: Attempt): Promise<AnimationResult> {
  const { entry, context, deps } = attempt
  const startedAt = deps.now()
  context.emit({ type: 'attempt-started', target: entry.id, attempt: attempt.number, ...(attempt.arm ? { arm: attempt.arm } : {}) })
  const deadline = attemptDeadline(context.signal, entry.timeoutMs ?? deps.attemptTimeoutMs)
  const journal = new AttemptJournal({ target: entry.id, now: deps.now, nextJobNumber: deps.nextJobNumber, ...(deps.journal ? { journal: deps.journal } : {}) }, context, attempt.request)
  try {
    const result = await entry.limiter.run(deadline.signal, () => {
      // A paid target: its submit-in-flight mark goes to disk while the adapter validates and uploads.
      if (!isFree(entry.animator!, attempt.request)) journal.prepare()
      return callTarget(attempt, deadline, journal)
    })
    // The entry's completion line is written behind the result, not before it: a completion lost in
    // a crash only makes `resume` look at a job that already ended (it never pays again).
    const jobId = journal.endedInBackground()
    if (jobId) context.emit({ type: 'job-completed', target: entry.id, jobId })
    await entry.breaker.record('success')
    const own = result.attempts.find((item) => item.outcome === 'succeeded')
    context.attempts.push({ ...attemptFields(attempt, startedAt), outcome: 'succeeded', accepted: own?.accepted ?? true })
    return result
  } catch (thrown) {
    throw await attemptFailed(attempt, startedAt, abortedAttemptError(toPortraitAnimatorError(thrown, { provider: entry.providerName, modelId: entry.modelId }), context, deadline, entry), journal)
  } finally {
    deadline.clear()
  }
}

/** The adapter's `animate`, with progress and job events passed on and the job journaled. */
function callTarget({ entry, request, context, deps }: Attempt, deadline: AttemptDeadline, journal: AttemptJournal): Promise<AnimationResult> {
  const work = entry.animator!.animate(request, {
    signal: deadline.signal,
    ...(deadline.timeoutMs ? { timeoutMs: deadline.timeoutMs } : {}),
    onProgress: (event) => {
      const { phase, queuePosition, progress } = event
      context.emit({ type: 'job-progress', target: entry.id, phase, ...(queuePosition === undefined ? {} : { queuePosition }), ...(progress === undefined ? {} : { progress }) })
      context.options.onProgress?.(event)
    },
    onJobStarted: async (handle) => {
      context.emit({ type: 'job-queued', target: entry.id, handle })
      await journal.started(handle)
      await context.options.onJobStarted?.(handle)
    },
    // The journal's mark is on disk before the caller's own hook, and both before the paid request.
    onSubmitting: async () => {
      await journal.submitting()
      await context.options.onSubmitting?.()
    },
  })
  return settleAfterAbort(work, deadline.signal, deps.abortGraceMs ?? ABORT_GRACE_MS, { provider: entry.providerName, modelId: entry.modelId })
}

/**
 * Everything a failed attempt leaves: the journal entry closed, a 429's pause shared, the attempt
 * and its event recorded, the breaker told. @returns the error, marked final (`finalError`) when
 * the same target must not be tried again
 */
async function attemptFailed(attempt: Attempt, startedAt: number, error: PortraitAnimatorError, journal: AttemptJournal): Promise<Error> {
  const { entry, context, deps } = attempt
  await journal.ended(error)
  // A 429 with Retry-After: every caller sharing the rate-limit store holds off, not only this one.
  if (error.kind === 'rate_limited' && error.retryAfterMs !== undefined) await entry.limiter.pauseFor(error.retryAfterMs, deps.now())
  const accepted = error.accepted === undefined ? {} : { accepted: error.accepted }
  context.attempts.push({ ...attemptFields(attempt, startedAt), outcome: 'failed', errorKind: error.kind, reason: error.message, ...accepted })
  context.emit({ type: 'attempt-failed', target: entry.id, attempt: attempt.number, errorKind: error.kind, message: error.message, retryable: error.retryable, ...accepted })
  // A kind that stops the route (the caller aborted; a local write failure: the job was done and
  // paid, another call would pay again for the same disk), or the whole request's deadline.
  if (KIND_POLICIES[error.kind].fallBack === 'stop' || (error.kind === 'timeout' && context.signal.aborted)) {
    await entry.breaker.record('neutral')
    return finalError(error)
  }
  const shut = await breakerAfterFailure(entry.breaker, error, context, { endpoint: entry.endpoint, now: deps.now, ...(deps.retirements ? { retirements: deps.retirements } : {}) })
  return shut ? finalError(error) : error
}

function attemptFields({ entry, number, deps }: Attempt, startedAt: number) {
  return { target: entry.id, provider: entry.providerName, modelId: entry.modelId, attempt: number, startedAt: new Date(startedAt).toISOString(), durationMs: deps.now() - startedAt }
}
