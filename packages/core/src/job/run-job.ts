import type { PortraitAnimatorError } from '../errors/index.js'
import { withDeadline } from '../runtime/index.js'
import type { CallOptions, JobHandle } from '../spec/index.js'
import { callOnSubmitting } from './call-on-submitting.js'
import { followJob } from './follow-job.js'
import { systemClock, type JobClock } from './job-clock.js'
import type { CancelOutcome, JobDriver } from './job-driver.js'

/** The call options the job runtime owns, plus its own knobs. */
export interface JobRunOptions extends Pick<CallOptions, 'signal' | 'timeoutMs' | 'onJobStarted' | 'onSubmitting'> {
  /**
   * How long a cancel sent after an abort, a deadline or a failed `onJobStarted` may take.
   * @default 5000
   */
  readonly cancelTimeoutMs?: number
  /** @default the system clock */
  readonly clock?: JobClock
}

const DEFAULT_CANCEL_TIMEOUT_MS = 5_000

/** Whether the call already cancelled its job (so an abort right after does not cancel twice). */
interface CancelState {
  cancel?: CancelOutcome
}

/**
 * Runs one call's job to its result: submits, hands the handle to `onJobStarted` (and cancels the
 * job when that fails: nobody could follow it), follows it, and builds the result. The first status
 * check goes out while `onJobStarted` is still running (a journal's write and flush is then off the
 * path to the result), but the result is built, and the call ends, only once `onJobStarted` has
 * resolved: a job is never reported done before its handle is where the caller put it. The call's
 * deadline (`timeoutMs`) and the caller's signal are one signal passed to every step; when it fires
 * after the job was accepted, the job is cancelled remotely and the call ends with the driver's
 * `abortError`. Nothing stays listening on the caller's signal once the call has ended.
 *
 * @example
 * ```ts
 * return runJob(driverFor(request), { signal: options.signal, timeoutMs: options.timeoutMs, onJobStarted: options.onJobStarted })
 * ```
 */
export function runJob<Job, Done, Result>(driver: JobDriver<Job, Done, Result>, options: JobRunOptions = {}): Promise<Result> {
  return submitted(driver, options, async (job, _handle, signal, announced) => {
    const done = await followJob(driver, job, signal, options.clock ?? systemClock)
    await announced
    return driver.result(job, done, signal)
  })
}

/**
 * Submits one call's job and hands its handle to `onJobStarted`, for `start()`: the caller follows
 * it later with `status()`. Same deadline and `onJobStarted` rules as `runJob`.
 */
export function startJob<Job>(driver: Pick<JobDriver<Job, unknown, unknown>, 'submit' | 'cancel' | 'abortError' | 'announceFailed'>, options: JobRunOptions = {}): Promise<JobHandle> {
  return submitted(driver, options, async (_job, handle, _signal, announced) => {
    await announced
    return handle
  })
}

/**
 * The shared part of `runJob` and `startJob`: one deadline over the caller's signal, submit, then
 * `then` while `onJobStarted` runs (`then` gets a signal that also fires when `onJobStarted`
 * fails, and the announcement to await before it reports anything). The call settles only after
 * `onJobStarted` has; its failure wins (the job was cancelled). After an abort or the deadline, the
 * job is cancelled (once) and the call ends with the driver's `abortError`.
 */
async function submitted<Job, T>(
  driver: Pick<JobDriver<Job, unknown, unknown>, 'submit' | 'cancel' | 'abortError' | 'announceFailed'>,
  options: JobRunOptions,
  then: (job: Job, handle: JobHandle, signal: AbortSignal, announced: Promise<void>) => Promise<T>,
): Promise<T> {
  const deadline = withDeadline(options.signal, options.timeoutMs)
  const signal = deadline.signal
  try {
    const { job, handle } = await driver.submit(signal, () => callOnSubmitting(options))
    const state: CancelState = {}
    const stopFollowing = new AbortController()
    const announced = announce(driver, job, handle, options, state, () => stopFollowing.abort(new Error('onJobStarted failed')))
    // Observed here so that a failure while `then` has not reached it yet is not unhandled.
    announced.catch(() => undefined)
    try {
      const value = await then(job, handle, AbortSignal.any([signal, stopFollowing.signal]), announced)
      await announced
      return value
    } catch (error) {
      await announced
      if (!signal.aborted) throw error
      const cancel = state.cancel ?? (await cancelJob(driver, job, options))
      throw abortedJobError(driver, signal, { job, cancel, cause: error })
    }
  } finally {
    deadline.clear()
  }
}

/**
 * `onJobStarted` with the handle. A failure there leaves nobody to follow the job, so following
 * stops (`stopFollowing`), the job is cancelled and the call fails (with `announceFailed`'s error
 * when the driver words it).
 */
async function announce<Job>(
  driver: Pick<JobDriver<Job, unknown, unknown>, 'cancel' | 'announceFailed'>,
  job: Job,
  handle: JobHandle,
  options: JobRunOptions,
  state: CancelState,
  stopFollowing: () => void,
): Promise<void> {
  if (!options.onJobStarted) return
  try {
    await options.onJobStarted(handle)
  } catch (error) {
    stopFollowing()
    const cancel = await cancelJob(driver, job, options)
    state.cancel = cancel
    throw driver.announceFailed ? driver.announceFailed(error, { job, cancel }) : error
  }
}

/** Asks the provider to cancel, within `cancelTimeoutMs`, whatever the call's own signal says. */
export async function cancelJob<Job>(driver: Pick<JobDriver<Job, unknown, unknown>, 'cancel'>, job: Job, options: Pick<JobRunOptions, 'cancelTimeoutMs'> = {}): Promise<CancelOutcome> {
  const limit = withDeadline(undefined, options.cancelTimeoutMs ?? DEFAULT_CANCEL_TIMEOUT_MS)
  try {
    return { confirmed: true, answer: await driver.cancel(job, limit.signal) }
  } catch (error) {
    return { confirmed: false, error }
  } finally {
    limit.clear()
  }
}

/** The driver's abort error, marked `jobMayRun` when the provider did not confirm the cancellation. */
function abortedJobError<Job>(driver: Pick<JobDriver<Job, unknown, unknown>, 'abortError'>, signal: AbortSignal, context: { readonly job: Job; readonly cancel: CancelOutcome; readonly cause: unknown }): PortraitAnimatorError {
  const error = driver.abortError(signal, context)
  return context.cancel.confirmed ? error : error.with({ jobMayRun: true })
}
