import { PortraitAnimatorError, toPortraitAnimatorError, type CallOptions } from '@portrait-animator/core'
import { followJob } from './follow-job.js'
import type { ResumeOutcome, UnknownSubmit } from './router-api.js'
import type { RouterCore } from './router-core.js'
import type { RouterEvent } from './router-events.js'
import type { SubmitIntent } from './state/submit-intent.js'

/**
 * `router.resume`: follows every journaled job to its end without submitting it again. An entry is
 * closed once its job ended (served, failed or cancelled on the provider); it is kept only when
 * the job may still finish: the provider could not be reached, or this resume was interrupted.
 * Then every submit-in-flight mark with no entry (a process died between the paid request and
 * journaling its handle) is reported, as an `UnknownSubmit` and a `submit-unknown` event, and
 * cleared: nothing can follow such a job, and it is not submitted again.
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
  for (const intent of (await journal.intents?.()) ?? []) {
    options.signal?.throwIfAborted()
    const reported = unknownSubmit(intent)
    emit(core, intent, reported.error.message)
    outcomes.push(reported)
    await journal.clearIntent?.(intent.id)
  }
  return outcomes
}

/** The outcome of a mark with no handle: acceptance unknown, not submitted again. */
export function unknownSubmit(intent: SubmitIntent): UnknownSubmit {
  const target = intent.target ?? 'a paid target'
  const [provider, modelId] = intent.target?.split('/') ?? []
  const context = intent.context && Object.keys(intent.context).length > 0 ? `, request context ${JSON.stringify(intent.context)}` : ''
  const message =
    `A process stopped while submitting a request to ${target} (at ${intent.at}${context}), before the job's handle was journaled: ` +
    'the provider may have accepted and charged it, and without its handle the job cannot be followed. It was not submitted again; ' +
    'to submit it anyway, send the same request again (router.animate, or the same CLI command): it may be paid twice.'
  return {
    intent,
    error: new PortraitAnimatorError({ kind: 'unavailable', message, accepted: 'unknown', ...(provider ? { provider } : {}), ...(modelId ? { modelId } : {}) }),
  }
}

function emit(core: RouterCore, intent: SubmitIntent, message: string): void {
  const at = Date.parse(intent.at)
  const event: RouterEvent = {
    type: 'submit-unknown',
    target: intent.target ?? '',
    id: intent.id,
    at: intent.at,
    message,
    route: intent.route ?? 'default',
    requestId: intent.id,
    elapsedMs: Number.isFinite(at) ? Math.max(0, core.now() - at) : 0,
  }
  for (const listener of core.listeners) {
    try {
      listener(event)
    } catch {
      // A listener must never break resuming.
    }
  }
}
