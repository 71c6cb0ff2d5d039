import type { JobHandle } from '@portrait-animator/core'
import type { SubmitIntent } from './submit-intent.js'

/** One unfinished async job, as written when the provider accepted it (flushed before the job's end is reported). */
export interface JournalEntry {
  readonly version: 1
  /** Unique per job: `<request id>-<n>`. */
  readonly id: string
  readonly route: string
  readonly target: string
  readonly handle: JobHandle
  /** The request's `context`, so a resumed job can be matched to what asked for it. */
  readonly context?: Readonly<Record<string, string>>
  readonly startedAt: string
}

/**
 * Where the router journals paid async jobs before following them, so a crash never pays twice:
 * after a restart (or on another worker, with a shared store), `list()` gives the jobs to resume
 * instead of submitting them again. The default is a folder of files in `stateDir`
 * (`FileJobJournal`); `MemoryJobJournal` is for tests and one-shot processes; a shared store
 * (Redis) lets another machine pick up a dead worker's jobs.
 *
 * `record` must be durable when it resolves (the file journal flushes to disk).
 *
 * A journal that also keeps submit-in-flight marks (`intend`, `intents`, `clearIntent`: the file,
 * memory and Redis journals do) closes the window between the paid request and `record`: the router
 * takes a mark, durably, right before the request that creates a job, so a process that dies before
 * the handle is journaled leaves the job reported by `resume` as "acceptance unknown" instead of
 * forgotten. Without them, that window stays open (a crash there forgets a job that may be paid).
 */
export interface JobJournal {
  record(entry: JournalEntry): Promise<void>
  /** Removes the entry of a job that ended (served, failed, cancelled or timed out), and its mark. */
  complete(id: string): Promise<void>
  list(): Promise<JournalEntry[]>
  /**
   * Marks a paid submit in flight under the id its entry will have; durable when it resolves. A
   * later `record` of the same id supersedes the mark.
   */
  intend?(intent: SubmitIntent): Promise<void>
  /** Removes a mark (the submit was refused, or its job ended) without touching an entry. */
  clearIntent?(id: string): Promise<void>
  /** The marks no entry superseded: submits whose acceptance is unknown, in id order. */
  intents?(): Promise<SubmitIntent[]>
}
