import type { PollContext, PollSchedule } from './job-driver.js'

/**
 * A status check every `intervalMs`, measured from the start of one check to the start of the
 * next, so slow answers do not stretch the schedule and checks are never closer than `intervalMs`.
 */
export function fixedPollSchedule(intervalMs: number): PollSchedule {
  return (context) => Math.max(0, intervalMs - context.sinceLastCheckMs)
}

/** The shortest early gap worth halving; below it the schedule goes straight to the frequent part. */
const MIN_EARLY_GAP_MS = 1_000

/** Options of `adaptivePollDelay`. */
export interface AdaptivePollOptions {
  /**
   * How long jobs like this one usually take from acceptance to the end, in milliseconds: the
   * provider's estimate, or what this process has seen (`JobDurations`). Unknown: `undefined`.
   */
  readonly expectedMs: number | undefined
  /**
   * The earliest such a job has ended lately, when known: frequent checks start one near
   * interval before it. @default 85 % of `expectedMs`
   */
  readonly earliestMs?: number | undefined
  /**
   * Status requests allowed per second of the job: after the first (sent at once), the `n`th check
   * is never sent before `n / maxPerSecond` seconds, so no job is checked more than `maxPerSecond`
   * times per second of its length.
   * @default 2
   */
  readonly maxPerSecond?: number
  /** Interval near the expected end, where checking often pays. @default 150 */
  readonly nearIntervalMs?: number
  /** Longest wait between two checks, so an early failure is still seen. @default 10000 */
  readonly maxIntervalMs?: number
}

/**
 * Milliseconds to wait before the next status check of a job (pure). Checks are sparse early in a
 * job and frequent near its expected end: until one near interval before the earliest expected end
 * it checks halfway to that point (while the halves last 1 s or more, and at most `maxIntervalMs`
 * apart), then at that point; from there on it checks every `nearIntervalMs`. Whatever it wants, the total stays within the budget
 * of `maxPerSecond` checks per second of the job (the accumulated unused budget of the quiet
 * early part is what the frequent checks near the end spend). With no expectation it checks at
 * the budget's steady rate.
 *
 * @example
 * ```ts
 * adaptivePollDelay({ polls: 1, elapsedMs: 20, sinceLastCheckMs: 20 }, { expectedMs: 2_200, earliestMs: 2_000 }) // 1830: sleep until 1850 ms
 * ```
 */
export function adaptivePollDelay(context: PollContext, options: AdaptivePollOptions): number {
  const perSecond = options.maxPerSecond ?? 2
  const near = options.nearIntervalMs ?? 150
  const longest = options.maxIntervalMs ?? 10_000
  const { polls, elapsedMs } = context
  // The check about to be scheduled is the (polls + 1)th: not before (polls + 1) / perSecond s.
  const budgetAt = ((polls + 1) * 1000) / perSecond
  let wantedAt: number
  const expected = options.expectedMs
  if (expected === undefined || !(expected > 0)) {
    wantedAt = elapsedMs - context.sinceLastCheckMs + 1000 / perSecond
  } else {
    const fineFrom = (options.earliestMs ?? expected * 0.85) - near
    if (elapsedMs < fineFrom - near) {
      // Halfway to the frequent part while halves stay long: an expectation that is too long (a slow
      // job learned earlier) still sees an early end, and the times learned from it come down.
      const half = (fineFrom - elapsedMs) / 2
      wantedAt = half >= MIN_EARLY_GAP_MS ? elapsedMs + half : fineFrom
    } else {
      wantedAt = elapsedMs - context.sinceLastCheckMs + near
    }
  }
  const at = Math.max(wantedAt, budgetAt)
  return Math.round(Math.min(longest, Math.max(0, at - elapsedMs)))
}

/** `adaptivePollDelay` as a schedule, asking `expectedMs()` afresh before each check. */
export function adaptivePollSchedule(
  options: Omit<AdaptivePollOptions, 'expectedMs' | 'earliestMs'> & { readonly expected: () => { readonly expectedMs: number | undefined; readonly earliestMs?: number | undefined } },
): PollSchedule {
  const { expected, ...rest } = options
  return (context) => adaptivePollDelay(context, { ...rest, ...expected() })
}
