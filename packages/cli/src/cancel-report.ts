import { join, resolve } from 'node:path'
import { type AnimatorProviderFactory, type JobHandle } from '@portrait-animator/core'
import { JobJournal, type Router, type RouterEvent } from '@portrait-animator/router'

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
  const journal = new JobJournal(join(resolve(router.config.config.stateDir ?? '.portrait-animator'), 'journal'))
  const entries = await journal.list().catch(() => [])
  for (const job of jobs) {
    if (await cancelOnce(router, job)) {
      confirmed.push(job)
      for (const entry of entries.filter((item) => item.handle.jobId === job.handle.jobId)) await journal.complete(entry.id).catch(() => undefined)
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
    await animator.cancel(job.handle, { timeoutMs: CONFIRM_TIMEOUT_MS })
    return true
  } catch {
    return false
  }
}

/** What an interrupted command tells the user about its remote jobs. */
export function describeInterruption(outcome: { confirmed: SubmittedJob[]; unconfirmed: SubmittedJob[] }): string {
  const name = (job: SubmittedJob) => `${job.target} job ${job.handle.jobId}`
  const lines: string[] = []
  if (outcome.confirmed.length === 0 && outcome.unconfirmed.length === 0) lines.push('Interrupted; no remote job was running.')
  if (outcome.confirmed.length > 0) lines.push(`Interrupted; remote jobs were cancelled: ${outcome.confirmed.map(name).join(', ')}.`)
  if (outcome.unconfirmed.length > 0) {
    lines.push(
      `${outcome.confirmed.length > 0 ? 'But the' : 'Interrupted; the'} cancellation of ${outcome.unconfirmed.map(name).join(', ')} was not confirmed, so ${outcome.unconfirmed.length === 1 ? 'it' : 'they'} may still run and be charged: ` +
        `"portrait-animator resume" finishes and saves ${outcome.unconfirmed.length === 1 ? 'it' : 'them'} without paying again, "portrait-animator state clear --journal ID" forgets ${outcome.unconfirmed.length === 1 ? 'it' : 'them'}.`,
    )
  }
  return lines.join('\n')
}

