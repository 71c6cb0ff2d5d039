import { sleep } from '../runtime/index.js'

/** Time as the job runtime sees it; tests pass a fake one to check a poll schedule without waiting. */
export interface JobClock {
  now(): number
  /** Waits `ms`; rejects with the signal's reason as soon as it fires. */
  sleep(ms: number, signal: AbortSignal): Promise<void>
}

/** The real clock: `Date.now` and the repository's one abortable `sleep`. */
export const systemClock: JobClock = { now: () => Date.now(), sleep }
