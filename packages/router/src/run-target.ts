import { KIND_POLICIES, PortraitAnimatorError, sleep, toPortraitAnimatorError, withDeadline, type AnimationRequest, type AnimationResult, type PortraitAnimator } from '@portrait-animator/core'
import { retryDelay } from './backoff.js'
import { ABORT_GRACE_MS, settleAfterAbort } from './settle-after-abort.js'
import { mayHaveCharged } from './charge-risk.js'
import type { JobJournal } from './job-journal.js'
import type { RequestContext } from './request-context.js'
import type { RetirementStore } from './retirement-store.js'
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

/** True when calling the target costs nothing (offline, or an estimate of zero). */
export function isFree(animator: PortraitAnimator, request: AnimationRequest): boolean {
  if (animator.capabilities.offline) return true
  return animator.estimateCost?.(request)?.usd === 0
}

/**
 * Calls one target with retries: exponential backoff with jitter, `Retry-After` honoured up to a
 * cap, and never a resubmission when the previous try may have left a billed job behind (its answer
 * was lost, or an accepted job's outcome is unknown: see `mayHaveCharged`).
 * Records every attempt on `context` and resolves with the result, or rejects with the last error.
 */
export async function runTarget(entry: TargetEntry, request: AnimationRequest, context: RequestContext, deps: RunTargetDependencies, arm?: string): Promise<AnimationResult> {
  const animator = entry.animator!
  const free = isFree(animator, request)
  for (let attempt = 1; ; attempt++) {
    const startedAt = deps.now()
    context.emit({ type: 'attempt-started', target: entry.id, attempt, ...(arm ? { arm } : {}) })
    let release: (() => void) | undefined
    let attemptSignal = context.signal
    const timeoutMs = entry.timeoutMs ?? deps.attemptTimeoutMs
    // withDeadline, not AbortSignal.timeout(): see its note on garbage collection.
    const deadline = timeoutMs ? withDeadline(context.signal, timeoutMs, `The attempt passed its ${timeoutMs} ms deadline.`) : undefined
    if (deadline) attemptSignal = deadline.signal
    let journalId: string | undefined
    try {
      release = await entry.limiter.acquire(attemptSignal)
      const result = await settleAfterAbort(animator.animate(request, {
        signal: attemptSignal,
        ...(timeoutMs ? { timeoutMs } : {}),
        onProgress: (event) => {
          context.emit({
            type: 'job-progress',
            target: entry.id,
            phase: event.phase,
            ...(event.queuePosition === undefined ? {} : { queuePosition: event.queuePosition }),
            ...(event.progress === undefined ? {} : { progress: event.progress }),
          })
          context.options.onProgress?.(event)
        },
        onJobStarted: async (handle) => {
          context.emit({ type: 'job-queued', target: entry.id, handle })
          if (deps.journal) {
            journalId = `${context.requestId}-${deps.nextJobNumber()}`
            await deps.journal.record({
              version: 1,
              id: journalId,
              route: context.route,
              target: entry.id,
              handle,
              ...(request.context ? { context: request.context } : {}),
              startedAt: new Date(deps.now()).toISOString(),
            })
          }
          await context.options.onJobStarted?.(handle)
        },
      }), attemptSignal, deps.abortGraceMs ?? ABORT_GRACE_MS, { provider: entry.providerName, modelId: entry.modelId })
      if (journalId) {
        await deps.journal?.complete(journalId)
        context.emit({ type: 'job-completed', target: entry.id, jobId: journalId })
      }
      entry.breaker.recordSuccess()
      const own = result.attempts.find((item) => item.outcome === 'succeeded')
      context.attempts.push({
        target: entry.id,
        provider: entry.providerName,
        modelId: entry.modelId,
        outcome: 'succeeded',
        attempt,
        startedAt: new Date(startedAt).toISOString(),
        durationMs: deps.now() - startedAt,
        accepted: own?.accepted ?? true,
      })
      return result
    } catch (thrown) {
      let error = toPortraitAnimatorError(thrown, { provider: entry.providerName, modelId: entry.modelId })
      if (context.signal.aborted) {
        error = context.deadlinePassed
          ? new PortraitAnimatorError({ kind: 'timeout', message: 'The request passed its deadline.', provider: entry.providerName, modelId: entry.modelId, accepted: error.accepted ?? 'unknown', cause: error })
          : new PortraitAnimatorError({ kind: 'cancelled', message: 'The request was cancelled.', provider: entry.providerName, modelId: entry.modelId, ...(error.accepted === undefined ? {} : { accepted: error.accepted }), cause: error })
      } else if (attemptSignal.aborted && error.kind === 'cancelled') {
        error = new PortraitAnimatorError({ kind: 'timeout', message: `${entry.id} passed its ${timeoutMs} ms deadline.`, provider: entry.providerName, modelId: entry.modelId, accepted: error.accepted ?? 'unknown', cause: error })
      }
      // A job that ended (failed or cancelled) is no longer unfinished: drop it from the journal.
      if (journalId && error.kind !== 'cancelled' && error.kind !== 'timeout') await deps.journal?.complete(journalId)
      context.attempts.push({
        target: entry.id,
        provider: entry.providerName,
        modelId: entry.modelId,
        outcome: 'failed',
        errorKind: error.kind,
        reason: error.message,
        attempt,
        startedAt: new Date(startedAt).toISOString(),
        durationMs: deps.now() - startedAt,
        ...(error.accepted === undefined ? {} : { accepted: error.accepted }),
      })
      context.emit({
        type: 'attempt-failed',
        target: entry.id,
        attempt,
        errorKind: error.kind,
        message: error.message,
        retryable: error.retryable,
        ...(error.accepted === undefined ? {} : { accepted: error.accepted }),
      })
      // What the kind means to the router (retry, fallback, breaker) is read from KIND_POLICIES only.
      const policy = KIND_POLICIES[error.kind]
      // A kind that stops the route (the caller aborted; a local write failure: the job was done and
      // paid, another call would pay again for the same disk), or the whole request's deadline.
      if (policy.fallBack === 'stop' || error.kind === 'timeout' && context.signal.aborted) throw error
      if (policy.breaker === 'retires') {
        entry.breaker.retire()
        context.emit({ type: 'breaker-opened', target: entry.id, permanent: true })
        await deps.retirements?.remember({ target: entry.id, endpoint: entry.endpoint, at: new Date(deps.now()).toISOString(), reason: error.message }).catch(() => undefined)
        throw error
      }
      if (policy.breaker === 'neutral') entry.breaker.recordNeutral()
      else if (entry.breaker.recordFailure()) {
        const state = entry.breaker.state
        context.emit({ type: 'breaker-opened', target: entry.id, permanent: false, ...(state.state === 'open' ? { untilMs: state.untilMs } : {}) })
        throw error
      }
      const mayResubmit = free || !mayHaveCharged(error)
      if (!error.retryable || !mayResubmit || attempt >= entry.backoff.maxAttempts) throw error
      const delayMs = retryDelay(entry.backoff, attempt, error.retryAfterMs, deps.random)
      if (delayMs === undefined) throw error
      context.emit({ type: 'retry-scheduled', target: entry.id, attempt: attempt + 1, delayMs, reason: error.kind })
      await sleep(delayMs, context.signal).catch(() => undefined)
      if (context.signal.aborted) {
        throw new PortraitAnimatorError({ kind: context.deadlinePassed ? 'timeout' : 'cancelled', message: context.deadlinePassed ? 'The request passed its deadline.' : 'The request was cancelled.', provider: entry.providerName, modelId: entry.modelId })
      }
    } finally {
      deadline?.clear()
      release?.()
    }
  }
}
