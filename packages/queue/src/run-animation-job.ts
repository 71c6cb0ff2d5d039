import { outputKindOf, toPortraitAnimatorError, type AnimationResult, type ErrorKind } from '@portrait-animator/core'
import type { JournalEntry } from '@portrait-animator/router'
import type { AnimationJobData, AnimationJobFailure, AnimationJobProgress, AnimationJobResult } from './animation-job.js'
import type { SubmitIntent, UnknownAcceptancePolicy } from './submit-intent.js'
import { targetRouteName, type WorkerRouters } from './worker-routers.js'

/** One job as the runner sees it, whatever queue it came from. */
export interface RunnableJob {
  readonly id: string
  readonly data: AnimationJobData
  updateProgress(progress: AnimationJobProgress): Promise<void>
}

/**
 * Where the provider's job handle is journaled under the queue job's id (Redis, or a file
 * in-process), with a "submit in flight" mark written before the request that creates the job.
 */
export interface JobHandleJournal {
  record(entry: JournalEntry): Promise<void>
  /** Removes the job's entry and its submit-in-flight mark. */
  complete(id: string): Promise<void>
  get(id: string): Promise<JournalEntry | undefined>
  intend(intent: SubmitIntent): Promise<void>
  intent(id: string): Promise<SubmitIntent | undefined>
  clearIntent(id: string): Promise<void>
}

/** What `runAnimationJob` needs. */
export interface JobRunnerDependencies {
  readonly routers: WorkerRouters
  readonly journal: JobHandleJournal
  readonly now?: () => number
  /**
   * A job whose previous run died with a submit in flight (a worker killed between sending the
   * paid request and journaling the answer) may already be running, and paid, at the provider.
   * `'fail'` reports it (`unavailable`, acceptance unknown) without submitting again; `'resubmit'`
   * submits it again, which may pay twice, and marks the result `resubmittedAfterUnknown`.
   * @default 'fail'
   */
  readonly unknownAcceptance?: UnknownAcceptancePolicy
}

/** A job that failed: `retry` says whether running it again is safe (it cannot pay twice). */
export class AnimationJobError extends Error {
  override readonly name = 'AnimationJobError'
  constructor(readonly failure: AnimationJobFailure, readonly retry: boolean) {
    super(`${failure.kind}: ${failure.reason}`)
  }
}

// Kinds after which a journaled provider job may still be running: keep its entry, resume later.
const UNFINISHED: ReadonlySet<ErrorKind> = new Set(['cancelled', 'timeout', 'unavailable'])

/**
 * Runs one animation job. When the journal holds a provider handle for this job (a worker died
 * after submitting it, or an earlier try lost its connection), the handle is followed to its end
 * instead of submitting again. Otherwise the request goes through the router, and the provider's
 * handle is journaled (awaited) before the adapter counts the submission as done. The output is
 * written atomically; the journal entry goes only after that, so a crash in between resumes.
 */
export async function runAnimationJob(job: RunnableJob, deps: JobRunnerDependencies, signal?: AbortSignal): Promise<AnimationJobResult> {
  const data = job.data
  const existing = await deps.journal.get(job.id)
  const unknown = existing ? undefined : await deps.journal.intent(job.id)
  if (unknown && deps.unknownAcceptance !== 'resubmit') throw new AnimationJobError({ kind: 'unavailable', reason: unknownAcceptanceReason(unknown) }, false)
  const submit: SubmitState = { sent: false }
  try {
    const result = existing ? await resumeOrResubmit(job, existing, deps, submit, signal) : await submitJob(job, deps, submit, signal)
    await job.updateProgress({ phase: 'saving', target: result.servedBy.target }).catch(() => undefined)
    const saved = await result.output.save(data.output, signal ? { signal } : {})
    await deps.journal.complete(job.id)
    return { output: saved.path, bytes: saved.bytes, servedBy: result.servedBy.target, resumed: existing !== undefined, ...(unknown ? { resubmittedAfterUnknown: true } : {}) }
  } catch (thrown) {
    const error = toPortraitAnimatorError(thrown)
    const journaled = await deps.journal.get(job.id).catch(() => existing)
    if (journaled && UNFINISHED.has(error.kind)) throw new AnimationJobError({ kind: error.kind, reason: error.message }, true)
    if (journaled) await deps.journal.complete(job.id)
    // No handle: the submit-in-flight mark stays when a paid request went out and may have been accepted.
    else if (!submit.sent || error.accepted === false) await deps.journal.clearIntent(job.id).catch(() => undefined)
    // Without a handle, another try is safe only when nothing was accepted (a sync provider's lost answer may have charged).
    throw new AnimationJobError({ kind: error.kind, reason: error.message }, !journaled && error.retryable && error.accepted === false)
  }
}

/** Whether this run sent (or was about to send) a paid request. */
interface SubmitState {
  sent: boolean
}

/** The failure reason of a job whose previous run died with a submit in flight. */
function unknownAcceptanceReason(intent: SubmitIntent): string {
  const where = intent.target ? ` to ${intent.target}` : ''
  return `a worker stopped while submitting this job${where} (at ${intent.at}), before the answer was journaled: the provider may have accepted and charged it, and without its handle the result cannot be followed. It was not submitted again; run the worker with --resubmit-unknown to submit it anyway (it may be paid twice).`
}

/**
 * Follows the journaled provider job. When the provider says that job was cancelled (an earlier
 * run was interrupted and cancelled it: nothing was charged), the work is submitted again.
 */
async function resumeOrResubmit(job: RunnableJob, entry: JournalEntry, deps: JobRunnerDependencies, submit: SubmitState, signal?: AbortSignal): Promise<AnimationResult> {
  await job.updateProgress({ phase: 'resuming', target: entry.target }).catch(() => undefined)
  try {
    return await deps.routers.resume(entry, signal)
  } catch (thrown) {
    if (signal?.aborted || toPortraitAnimatorError(thrown).kind !== 'cancelled') throw thrown
    await deps.journal.complete(job.id)
    return submitJob(job, deps, submit, signal)
  }
}

async function submitJob(job: RunnableJob, deps: JobRunnerDependencies, submit: SubmitState, signal?: AbortSignal): Promise<AnimationResult> {
  const data = job.data
  const now = deps.now ?? Date.now
  const router = await deps.routers.get(data.target)
  const route = data.target ? targetRouteName(data.target) : data.route
  await job.updateProgress({ phase: 'starting' }).catch(() => undefined)
  let target: string | undefined
  let trying: string | undefined
  return router.animate(
    {
      image: data.image,
      motion: data.motion,
      ...(data.format ? { output: { format: data.format, kind: outputKindOf(data.format) } } : {}),
      ...(data.strict ? { strict: true } : {}),
      context: { queueJob: job.id },
    },
    {
      ...(route ? { route } : {}),
      ...(signal ? { signal } : {}),
      onSubmitting: async () => {
        submit.sent = true
        await deps.journal.intend({ version: 1, id: job.id, ...(trying ? { target: trying } : {}), at: new Date(now()).toISOString() })
      },
      onJobStarted: async (handle) => {
        target = `${handle.provider}/${handle.modelId}`
        await deps.journal.record({ version: 1, id: job.id, route: route ?? 'default', target, handle, context: { queueJob: job.id, output: data.output }, startedAt: new Date(now()).toISOString() })
      },
      onProgress: (event) => {
        trying = event.target
        void job.updateProgress({ phase: event.phase, ...(target ? { target } : {}), ...(event.queuePosition === undefined ? {} : { queuePosition: event.queuePosition }), ...(event.progress === undefined ? {} : { progress: event.progress }) }).catch(() => undefined)
      },
    },
  )
}
