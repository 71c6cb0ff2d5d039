/**
 * A "submit in flight" mark: a worker was about to send (or was sending) the request that creates
 * a paid provider job, and had not yet journaled the job's handle. Found by the next worker to run
 * the same queue job, it means the provider may have accepted (and charged) a job that nobody can
 * follow: the acceptance is unknown.
 */
export interface SubmitIntent {
  readonly version: 1
  /** The queue job's id. */
  readonly id: string
  /** The target being submitted to (`provider/model`), when known. */
  readonly target?: string
  /** When the mark was written (ISO 8601). */
  readonly at: string
}

/** What a worker does with a job whose previous run died with a submit in flight. */
export type UnknownAcceptancePolicy = 'fail' | 'resubmit'
