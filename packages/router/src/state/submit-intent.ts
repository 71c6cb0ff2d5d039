/**
 * A "submit in flight" mark: a process was about to send (or was sending) the request that creates
 * a paid provider job, and had not yet journaled the job's handle. Found after a crash, it means
 * the provider may have accepted (and charged) a job that nobody can follow: the acceptance is
 * unknown. The router takes one per paid attempt in its `JobJournal`; the queue takes one per queue job.
 */
export interface SubmitIntent {
  readonly version: 1
  /** The journal id the job's handle would have had (the router's `<request id>-<n>`, or the queue job's id). */
  readonly id: string
  /** The target being submitted to (`provider/model`), when known. */
  readonly target?: string
  /** The route serving the request, when the router took the mark. */
  readonly route?: string
  /** The request's `context`, so the caller can tell which of its requests it was. */
  readonly context?: Readonly<Record<string, string>>
  /** When the mark was written (ISO 8601). */
  readonly at: string
}

/** What to do with work whose previous run died with a submit in flight. */
export type UnknownAcceptancePolicy = 'fail' | 'resubmit'
