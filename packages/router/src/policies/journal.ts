import type { AnimationRequest, JobHandle, PortraitAnimatorError } from '@portrait-animator/core'
import type { RequestContext } from '../request-context.js'
import type { JobJournal } from '../state/job-journal-store.js'

/** What the journal policy needs to name an entry. */
export interface AttemptJournalSettings {
  readonly journal?: JobJournal
  readonly target: string
  readonly now: () => number
  /** Counter for journal ids within the request. */
  readonly nextJobNumber: () => number
}

/**
 * The journal policy of one attempt: the job handle is recorded (durably) before the job is
 * followed, and the entry is closed when the job ends, so a crash resumes the job instead of
 * paying for it again and a later `resume` never trips over a job that already ended.
 */
export class AttemptJournal {
  private id: string | undefined

  constructor(
    private readonly settings: AttemptJournalSettings,
    private readonly context: RequestContext,
    private readonly request: AnimationRequest,
  ) {}

  /** The adapter submitted a job: journal it before it is followed. */
  async started(handle: JobHandle): Promise<void> {
    const { journal, target, now } = this.settings
    if (!journal) return
    this.id = `${this.context.requestId}-${this.settings.nextJobNumber()}`
    await journal.record({
      version: 1,
      id: this.id,
      route: this.context.route,
      target,
      handle,
      ...(this.request.context ? { context: this.request.context } : {}),
      startedAt: new Date(now()).toISOString(),
    })
  }

  /**
   * The attempt ended (with `error` when it failed): close the entry. A job that failed, or that the
   * adapter cancelled on the provider after an abort or a deadline, has ended too. Only a job
   * whose adapter did not stop (`accepted: 'unknown'`) stays journaled: it may still finish, and
   * `resume` collects it.
   * @returns the closed entry's id, if any
   */
  async ended(error?: PortraitAnimatorError): Promise<string | undefined> {
    const id = this.id
    if (!id || error?.accepted === 'unknown') return undefined
    this.id = undefined
    await this.settings.journal?.complete(id)
    return id
  }
}
