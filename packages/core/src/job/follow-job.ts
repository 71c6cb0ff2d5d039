import type { JobClock } from './job-clock.js'
import type { JobDriver } from './job-driver.js'

/**
 * Follows an accepted job until it ends: over the driver's status stream when it has one, else by
 * polling. The first status check is made at once; each later one waits what the driver's
 * `pollSchedule` says (or longer, when `retryStatus` asks for it after a failed check). An abort
 * ends the wait at once and rejects with the signal's reason.
 */
export async function followJob<Job, Done>(
  driver: Pick<JobDriver<Job, Done, unknown>, 'status' | 'streamStatus' | 'pollSchedule' | 'retryStatus'>,
  job: Job,
  signal: AbortSignal,
  clock: JobClock,
): Promise<Done> {
  if (driver.streamStatus) {
    const streamed = await driver.streamStatus(job, signal)
    if (streamed?.done) return streamed.value
  }
  const acceptedAt = clock.now()
  let polls = 0
  let lastCheckAt = acceptedAt
  let failures = 0
  let leastWaitMs = 0
  for (;;) {
    if (polls > 0 || leastWaitMs > 0) {
      const now = clock.now()
      const scheduled = driver.pollSchedule({ polls, elapsedMs: now - acceptedAt, sinceLastCheckMs: now - lastCheckAt })
      await clock.sleep(Math.max(scheduled, leastWaitMs), signal)
    }
    signal.throwIfAborted()
    lastCheckAt = clock.now()
    polls++
    let poll
    try {
      poll = await driver.status(job, signal)
    } catch (error) {
      if (signal.aborted) throw error
      const wait = driver.retryStatus?.(error, ++failures)
      if (wait === undefined) throw error
      leastWaitMs = wait
      continue
    }
    failures = 0
    leastWaitMs = 0
    if (poll.done) return poll.value
  }
}
