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
 * The journal policy of one attempt: right before a paid request the journal takes a
 * submit-in-flight mark (durably), the job handle is recorded (durably) under the same id, which
 * supersedes the mark, and the entry is closed when the job ends, so a crash resumes the job
 * instead of paying for it again, a crash between the request and the record leaves the job
 * reported as "acceptance unknown" by `resume`, and a later `resume` never trips over a job that
 * already ended.
 */
export class AttemptJournal {
  private id: string | undefined
  /** Whether the entry (the handle) was recorded; else only a mark may be there. */
  private recorded = false
  /** The mark's write, once started. */
  private marking: Promise<void> | undefined

  constructor(
    private readonly settings: AttemptJournalSettings,
    private readonly context: RequestContext,
    private readonly request: AnimationRequest,
  ) {}

  /**
   * The attempt at a paid target starts: the mark's write and flush starts now, so that it is
   * usually on disk by the time the adapter has validated and uploaded, and `submitting` does not
   * wait for the disk. A crash from here on leaves the mark, even when the request was not sent yet.
   */
  prepare(): void {
    this.mark().catch(() => undefined) // awaited (and its failure thrown) by `submitting`
  }

  /** The adapter is about to send the paid request: the mark must be durable first. */
  async submitting(): Promise<void> {
    await this.mark()
  }

  /** Takes the submit-in-flight mark once per attempt (when the journal keeps marks). */
  private mark(): Promise<void> {
    const { journal, target, now } = this.settings
    if (!journal?.intend) return Promise.resolve()
    this.marking ??= journal.intend({
      version: 1,
      id: this.idOfJob(),
      target,
      route: this.context.route,
      ...(this.request.context ? { context: this.request.context } : {}),
      at: new Date(now()).toISOString(),
    })
    return this.marking
  }

  /**
   * The adapter submitted a job: journal it (under the mark's id, superseding the mark). The first
   * status check may run meanwhile; the adapter reports nothing of the job before this resolves.
   */
  async started(handle: JobHandle): Promise<void> {
    const { journal, target, now } = this.settings
    if (!journal) return
    const id = this.idOfJob()
    this.recorded = true
    await journal.record({
      version: 1,
      id,
      route: this.context.route,
      target,
      handle,
      ...(this.request.context ? { context: this.request.context } : {}),
      startedAt: new Date(now()).toISOString(),
    })
  }

  /**
   * The attempt ended (with `error` when it failed): close the entry. A job that failed, or that the
   * adapter cancelled on the provider after an abort or a deadline, has ended too. A job whose
   * adapter did not stop (`accepted: 'unknown'`), or whose cancellation the provider did not
   * confirm (`jobMayRun`), stays journaled: it may still finish, and `resume` collects it. A mark
   * with no handle stays only when the provider may have accepted the job (`accepted: 'unknown'`):
   * `resume` reports it.
   * @returns the closed entry's id, if any
   */
  async ended(error?: PortraitAnimatorError): Promise<string | undefined> {
    const id = this.id
    if (!id || error?.accepted === 'unknown' || error?.jobMayRun === true) return undefined
    this.id = undefined
    if (!this.recorded) {
      if (!this.marking) return undefined
      // After the mark's own write: a clearing line that landed first would leave the mark listed.
      await this.marking.catch(() => undefined)
      await this.settings.journal?.clearIntent?.(id)
      return undefined
    }
    await this.settings.journal?.complete(id)
    return id
  }

  /**
   * The attempt succeeded: closes the entry (or clears the mark) without waiting for the write; a
   * failed write leaves an entry `resume` finds already ended.
   * @returns the closed entry's id, if a handle was recorded
   */
  endedInBackground(): string | undefined {
    const id = this.recorded ? this.id : undefined
    this.ended().catch(() => undefined)
    return id
  }

  /** The id of this attempt's job (`<request id>-<n>`), the same for its mark and its entry. */
  private idOfJob(): string {
    this.id ??= `${this.context.requestId}-${this.settings.nextJobNumber()}`
    return this.id
  }
}
