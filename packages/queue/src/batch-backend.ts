import type { AnimationJobData, AnimationJobFailure, AnimationJobProgress, AnimationJobResult } from './animation-job.js'

/** One job of a batch, with its deterministic id. */
export interface BatchJob {
  readonly id: string
  readonly data: AnimationJobData
}

/** Where a job stands, as a batch watching it sees it. */
export type BatchJobStatus =
  | { readonly state: 'waiting' | 'active'; readonly progress?: AnimationJobProgress }
  | { readonly state: 'completed'; readonly result: AnimationJobResult }
  | { readonly state: 'failed'; readonly failure: AnimationJobFailure }

/**
 * What the `batch` command runs its jobs on: a BullMQ queue in Redis (`RedisBatchBackend`), or
 * this process alone (`InProcessBatchBackend`, no Redis needed).
 */
export interface BatchBackend {
  /** Enqueues jobs; a job already known by its id is not added twice (a failed one is retried). */
  submit(jobs: readonly BatchJob[]): Promise<void>
  /** The status of each job. */
  statuses(ids: readonly string[]): Promise<Map<string, BatchJobStatus>>
  /**
   * Stops. Jobs not finished stay queued (Redis) or journaled (in-process) for the next run. With
   * `force` (Ctrl-C), running jobs are not waited for: in-process ones are cancelled, their
   * provider handles staying in the journal; Redis ones are taken back once their lock lapses.
   */
  close(force?: boolean): Promise<void>
}
