import { type AnimatorProviderFactory, type JobHandle } from '@portrait-animator/core'
import type { Router, RouterEvent } from '@portrait-animator/router'

/** A remote job a request submitted. */
export interface SubmittedJob {
  readonly target: string
  readonly handle: JobHandle
}

/** How long the confirmation of one cancellation may take. */
const CONFIRM_TIMEOUT_MS = 5000

/**
 * Remembers the remote jobs a request submits and has not seen finish, from router events, so an
 * interruption can say which ones may still run.
 */
export class JobTracker {
  private readonly open = new Map<string, SubmittedJob>()

  onEvent = (event: RouterEvent): void => {
    if (event.type === 'job-queued') this.open.set(event.handle.jobId, { target: event.target, handle: event.handle })
    if (event.type === 'job-completed') this.open.delete(event.jobId)
  }

  /** Jobs submitted and not seen completing. */
  unfinished(): SubmittedJob[] {
    return [...this.open.values()]
  }
}

/**
 * After an interruption: asks each provider again to cancel each unfinished job (the adapter has
 * already tried; a provider answers a second cancel of a cancelled or finished job without error)
 * and counts a job as stopped only when that answer came. Stopped jobs are closed in the journal,
 * so `resume` does not try them again.
 */
export async function confirmCancellations(router: Router, jobs: readonly SubmittedJob[]): Promise<{ confirmed: SubmittedJob[]; unconfirmed: SubmittedJob[] }> {
  const confirmed: SubmittedJob[] = []
  const unconfirmed: SubmittedJob[] = []
  const journal = router.journal
  const entries = (await journal?.list().catch(() => [])) ?? []
  for (const job of jobs) {
    if (await cancelOnce(router, job)) {
      confirmed.push(job)
      for (const entry of entries.filter((item) => item.handle.jobId === job.handle.jobId)) await journal?.complete(entry.id).catch(() => undefined)
    } else {
      unconfirmed.push(job)
    }
  }
  return { confirmed, unconfirmed }
}

async function cancelOnce(router: Router, job: SubmittedJob): Promise<boolean> {
  const [providerName = '', modelId = ''] = job.target.split('/')
  const provider = router.config.providers.get(providerName)
  if (!provider) return false
  try {
    const module = (await import(`@portrait-animator/adapter-${provider.adapter}`)) as { createProvider?: AnimatorProviderFactory }
    const settings = { ...provider.settings, ...(provider.apiKey ? { apiKey: provider.apiKey } : {}), ...(provider.baseUrl ? { baseUrl: provider.baseUrl } : {}) }
    const animator = module.createProvider?.(settings).animator(modelId)
    if (!animator?.cancel) return false
    try {
      await animator.cancel(job.handle, { timeoutMs: CONFIRM_TIMEOUT_MS })
      return true
    } catch {
      // Some providers refuse to cancel a job that is already gone (Magic Hour deletes projects):
      // a job whose status is no longer pending is not running either.
      const status = await animator.status?.(job.handle, { timeoutMs: CONFIRM_TIMEOUT_MS })
      return status !== undefined && status.state !== 'pending'
    }
  } catch {
    return false
  }
}

/**
 * What an interrupted command tells the user about its remote jobs: "remote jobs were cancelled"
 * only for confirmed cancellations; every other job by name, with how to resume or forget it.
 * `lead` starts the first sentence (a command that said "Interrupted" already passes '').
 */
export function describeInterruption(outcome: { confirmed: SubmittedJob[]; unconfirmed: SubmittedJob[] }, lead = 'Interrupted; '): string {
  const name = (job: SubmittedJob) => `${job.target} job ${job.handle.jobId}`
  const start = (text: string) => (lead ? `${lead}${text}` : `${text[0]!.toUpperCase()}${text.slice(1)}`)
  const lines: string[] = []
  if (outcome.confirmed.length === 0 && outcome.unconfirmed.length === 0) lines.push(start('no remote job was running.'))
  if (outcome.confirmed.length > 0) lines.push(start(`remote jobs were cancelled: ${outcome.confirmed.map(name).join(', ')}.`))
  if (outcome.unconfirmed.length > 0) {
    const them = outcome.unconfirmed.length === 1 ? 'it' : 'them'
    const sentence =
      `the cancellation of ${outcome.unconfirmed.map(name).join(', ')} was not confirmed, so ${outcome.unconfirmed.length === 1 ? 'it' : 'they'} may still run and be charged: ` +
      `"portrait-animator resume" finishes and saves ${them} without paying again, "portrait-animator state clear --journal ID" forgets ${them}.`
    lines.push(outcome.confirmed.length > 0 ? `But ${sentence}` : start(sentence))
  }
  return lines.join('\n')
}
