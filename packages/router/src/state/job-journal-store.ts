import type { JobHandle } from '@portrait-animator/core'

/** One unfinished async job, as written before polling starts. */
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
 */
export interface JobJournal {
  record(entry: JournalEntry): Promise<void>
  /** Removes the entry of a job that ended (served, failed, cancelled or timed out). */
  complete(id: string): Promise<void>
  list(): Promise<JournalEntry[]>
}
