import type { PortraitAnimatorError } from '../errors/index.js'
import type { JobHandle } from '../spec/index.js'

/** A job the provider accepted: the adapter's own reference to it and its plain-JSON handle. */
export interface AcceptedJob<Job> {
  readonly job: Job
  readonly handle: JobHandle
}

/** One status check: still running, or ended with what `result` needs (a success or a failure). */
export type JobPoll<Done> = { readonly done: false } | { readonly done: true; readonly value: Done }

/** How asking the provider to cancel a job went. */
export type CancelOutcome =
  | { readonly confirmed: true; readonly answer: string | undefined }
  | { readonly confirmed: false; readonly error: unknown }

/** What a poll schedule is told before each status check after the first. */
export interface PollContext {
  /** Status checks made so far (at least 1: the first is made at once). */
  readonly polls: number
  /** Milliseconds since the provider accepted the job. */
  readonly elapsedMs: number
  /** Milliseconds since the previous status check was sent. */
  readonly sinceLastCheckMs: number
}

/**
 * Milliseconds to wait, from now, before the next status check. Pure: same context, same answer.
 * See `fixedPollSchedule` and `adaptivePollSchedule`.
 */
export type PollSchedule = (context: PollContext) => number

/**
 * What an adapter supplies so the shared job runtime (`runJob`, `startJob`) can run one call's job
 * (the model of the Vercel AI SDK's `doStart`/`doStatus`): the provider-specific wire calls and
 * the provider's wording of errors. The runtime owns the deadline, `onJobStarted`, the poll loop
 * with its one abortable sleep, and cancelling the job on abort.
 *
 * Every method receives the call's signal (the caller's signal combined with `timeoutMs`).
 */
export interface JobDriver<Job, Done, Result> {
  /**
   * Validates, uploads and submits; resolves once the provider accepted the job. Calls (and awaits)
   * `submitting` right before the request that creates the job, after every upload.
   */
  submit(signal: AbortSignal, submitting: () => Promise<void>): Promise<AcceptedJob<Job>>
  /** One status check. A failure it throws ends the call unless `retryStatus` says to try again. */
  status(job: Job, signal: AbortSignal): Promise<JobPoll<Done>>
  /**
   * Optional: follows the job over the provider's status stream. Resolves the ended job, or
   * `undefined` when the stream is unavailable or stopped early, so polling takes over.
   */
  streamStatus?(job: Job, signal: AbortSignal): Promise<JobPoll<Done> | undefined>
  /** Turns an ended job into the call's result (or throws the job's failure). */
  result(job: Job, done: Done, signal: AbortSignal): Promise<Result>
  /** Asks the provider to cancel; resolves a short note on how it answered (or `undefined`). */
  cancel(job: Job, signal: AbortSignal): Promise<string | undefined>
  /** When to check next. */
  readonly pollSchedule: PollSchedule
  /**
   * Whether a failed status check is tried again: the least milliseconds to wait first, or
   * `undefined` to end the call with the failure. Default: never tried again.
   */
  retryStatus?(error: unknown, consecutiveFailures: number): number | undefined
  /** The error a call ends with when its signal fired (abort or deadline) after the job was accepted. */
  abortError(signal: AbortSignal, context: { readonly job: Job; readonly cancel: CancelOutcome; readonly cause: unknown }): PortraitAnimatorError
  /**
   * The error a call ends with when `onJobStarted` failed (the job is cancelled first, since nobody
   * could follow it). Default: the failure itself.
   */
  announceFailed?(error: unknown, context: { readonly job: Job; readonly cancel: CancelOutcome }): unknown
}
