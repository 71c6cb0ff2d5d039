import { PortraitAnimatorError, toPortraitAnimatorError, type CallOptions } from '@portrait-animator/core'
import { followJob } from './follow-job.js'
import type { ResumeOutcome } from './router-api.js'
import type { RouterCore } from './router-core.js'

/**
 * `router.resume`: follows every journaled job to its end without submitting it again. An entry is
 * closed once its job ended (served, failed or cancelled on the provider); it is kept only when
 * the job may still finish: the provider could not be reached, or this resume was interrupted.
 */
export async function resumeJobs(core: RouterCore, options: CallOptions = {}): Promise<ResumeOutcome[]> {
  const journal = core.state.journal
  if (!journal) return []
  const outcomes: ResumeOutcome[] = []
  for (const entry of await journal.list()) {
    const animator = core.targets.get(entry.target)?.animator
    if (!animator?.status) {
      outcomes.push({ entry, error: new PortraitAnimatorError({ kind: 'unsupported', message: `Cannot resume ${entry.target}: it is not configured or cannot report job status.` }) })
      continue
    }
    try {
      outcomes.push({ entry, result: await followJob(animator, entry.handle, options, core.resumePollIntervalMs) })
      await journal.complete(entry.id)
    } catch (thrown) {
      const error = toPortraitAnimatorError(thrown, { provider: animator.provider, modelId: animator.modelId })
      if (error.kind !== 'unavailable' && options.signal?.aborted !== true) await journal.complete(entry.id)
      outcomes.push({ entry, error })
    }
  }
  return outcomes
}
