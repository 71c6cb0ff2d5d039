import { outputKindOf, toPortraitAnimatorError, type AnimationResult, type ErrorKind } from '@portrait-animator/core'
import type { JournalEntry } from '@portrait-animator/router'
import type { AnimationJobData, AnimationJobFailure, AnimationJobProgress, AnimationJobResult } from './animation-job.js'
import { targetRouteName, type WorkerRouters } from './worker-routers.js'

/** One job as the runner sees it, whatever queue it came from. */
export interface RunnableJob {
  readonly id: string
  readonly data: AnimationJobData
  updateProgress(progress: AnimationJobProgress): Promise<void>
}

/** Where the provider's job handle is journaled under the queue job's id (Redis, or a file in-process). */
export interface JobHandleJournal {
  record(entry: JournalEntry): Promise<void>
  complete(id: string): Promise<void>
  get(id: string): Promise<JournalEntry | undefined>
}

/** What `runAnimationJob` needs. */
export interface JobRunnerDependencies {
  readonly routers: WorkerRouters
  readonly journal: JobHandleJournal
  readonly now?: () => number
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
  try {
    const result = existing ? await resumeOrResubmit(job, existing, deps, signal) : await submitJob(job, deps, signal)
    await job.updateProgress({ phase: 'saving', target: result.servedBy.target }).catch(() => undefined)
    const saved = await result.output.save(data.output, signal ? { signal } : {})
    await deps.journal.complete(job.id)
    return { output: saved.path, bytes: saved.bytes, servedBy: result.servedBy.target, resumed: existing !== undefined }
  } catch (thrown) {
    const error = toPortraitAnimatorError(thrown)
    const journaled = await deps.journal.get(job.id).catch(() => existing)
    if (journaled && UNFINISHED.has(error.kind)) throw new AnimationJobError({ kind: error.kind, reason: error.message }, true)
    if (journaled) await deps.journal.complete(job.id)
    // Without a handle, another try is safe only when nothing was accepted (a sync provider's lost answer may have charged).
    throw new AnimationJobError({ kind: error.kind, reason: error.message }, !journaled && error.retryable && error.accepted === false)
  }
}

/**
 * Follows the journaled provider job. When the provider says that job was cancelled (an earlier
 * run was interrupted and cancelled it: nothing was charged), the work is submitted again.
 */
async function resumeOrResubmit(job: RunnableJob, entry: JournalEntry, deps: JobRunnerDependencies, signal?: AbortSignal): Promise<AnimationResult> {
  await job.updateProgress({ phase: 'resuming', target: entry.target }).catch(() => undefined)
  try {
    return await deps.routers.resume(entry, signal)
  } catch (thrown) {
    if (signal?.aborted || toPortraitAnimatorError(thrown).kind !== 'cancelled') throw thrown
    await deps.journal.complete(job.id)
    return submitJob(job, deps, signal)
  }
}

async function submitJob(job: RunnableJob, deps: JobRunnerDependencies, signal?: AbortSignal): Promise<AnimationResult> {
  const data = job.data
  const now = deps.now ?? Date.now
  const router = await deps.routers.get(data.target)
  const route = data.target ? targetRouteName(data.target) : data.route
  await job.updateProgress({ phase: 'starting' }).catch(() => undefined)
  let target: string | undefined
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
      onJobStarted: async (handle) => {
        target = `${handle.provider}/${handle.modelId}`
        await deps.journal.record({ version: 1, id: job.id, route: route ?? 'default', target, handle, context: { queueJob: job.id, output: data.output }, startedAt: new Date(now()).toISOString() })
      },
      onProgress: (event) => {
        void job.updateProgress({ phase: event.phase, ...(target ? { target } : {}), ...(event.queuePosition === undefined ? {} : { queuePosition: event.queuePosition }), ...(event.progress === undefined ? {} : { progress: event.progress }) }).catch(() => undefined)
      },
    },
  )
}
