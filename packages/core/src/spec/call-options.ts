/** The phases a piece of work goes through, as reported to `onProgress`. */
export type ProgressPhase =
  | 'validating'
  | 'uploading'
  | 'submitting'
  | 'queued'
  | 'running'
  | 'downloading'
  | 'rendering'
  | 'encoding'
  | 'completed'

/** A progress report on long work. */
export interface ProgressEvent {
  /** Which target is working (`provider/model`). */
  readonly target: string
  /** What it is doing now. */
  readonly phase: ProgressPhase
  /** Place in the provider's queue, when it says. */
  readonly queuePosition?: number
  /** Fraction done from 0 to 1, when known. */
  readonly progress?: number
  /** New log lines from the provider since the last event. */
  readonly logs?: readonly string[]
  /** Milliseconds since the call started. */
  readonly elapsedMs: number
  /** A short human-readable note. */
  readonly message?: string
}

import type { JobHandle } from './job.js'

/** Options for one call. */
export interface CallOptions {
  /** Aborting stops the work, stops polling and cancels the remote job where the provider can. */
  readonly signal?: AbortSignal
  /**
   * Deadline for the whole call, in milliseconds. A job past its deadline is cancelled remotely
   * and the call fails with a `timeout` error.
   */
  readonly timeoutMs?: number
  /** Called with progress on long work (upload, queue position, rendering, download). */
  readonly onProgress?: (event: ProgressEvent) => void
  /**
   * Async providers call this with the job's handle right after the provider accepted the job. The
   * first status check may go out while the returned promise is pending (checks cost nothing), but
   * the call reports nothing of the job's end (no result, no failure, no `completed` progress) and
   * does not settle before the promise resolves; when it rejects, the job is cancelled and the call
   * fails. The router writes the handle to its journal here, so a crashed process can resume the
   * job instead of paying for a new one.
   */
  readonly onJobStarted?: (handle: JobHandle) => void | Promise<void>
  /**
   * Paid providers call this right before sending the request that creates (and charges) the job,
   * after every upload, and wait for the returned promise; a failure here ends the call with nothing
   * sent. Between this and `onJobStarted` the provider may have accepted the job without the caller
   * knowing its handle: a queue journals a "submit in flight" mark here, so a worker that dies in
   * that window leaves the job reported as "acceptance unknown" instead of submitting it again.
   */
  readonly onSubmitting?: () => void | Promise<void>
}
