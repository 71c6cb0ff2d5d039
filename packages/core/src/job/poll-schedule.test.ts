import { describe, expect, it } from 'vitest'
import { JobDurations } from './job-durations.js'
import { adaptivePollDelay, fixedPollSchedule } from './poll-schedule.js'

/** The times (ms since acceptance) of every check of a job that ends at `endsAt`, answers taking `latencyMs`. */
function simulate(endsAt: number, expectedMs: number | undefined, latencyMs = 10, earliestMs?: number): number[] {
  const checks = [0]
  let now = latencyMs
  while (checks.at(-1)! < endsAt) {
    const last = checks.at(-1)!
    const delay = adaptivePollDelay({ polls: checks.length, elapsedMs: now, sinceLastCheckMs: now - last }, { expectedMs, earliestMs })
    checks.push(now + delay)
    now += delay + latencyMs
    if (checks.length > 10_000) throw new Error('runaway')
  }
  return checks
}

/** At most 2 checks per second of the job so far, after the first (sent at once). */
function budgetHolds(checks: readonly number[]): boolean {
  return checks.every((at, index) => index === 0 || index + 1 <= (2 * at) / 1000 + 1e-9)
}

describe('fixedPollSchedule', () => {
  it('keeps the interval from the start of one check to the next', () => {
    const schedule = fixedPollSchedule(500)
    expect(schedule({ polls: 1, elapsedMs: 120, sinceLastCheckMs: 120 })).toBe(380)
    expect(schedule({ polls: 2, elapsedMs: 1200, sinceLastCheckMs: 700 })).toBe(0)
  })
})

describe('adaptivePollDelay', () => {
  it('checks rarely early and every 150 ms from just before the earliest expected end', () => {
    const checks = simulate(10_300, 10_200, 10, 10_000)
    expect(checks.filter((at) => at < 9_850)).toHaveLength(4)
    expect(checks.slice(-4)).toEqual([9_850, 10_000, 10_150, 10_300])
    expect(simulate(2_200, 2_200)[1]).toBe(1_870 - 150)
    // A short job has little budget: the 5th check waits until 2.5 s.
    expect(simulate(2_300, 2_200, 10, 2_000)).toEqual([0, 1_850, 2_000, 2_150, 2_500])
  })

  it('an expectation far too long (a slow job learned earlier) still sees an early end soon', () => {
    const checks = simulate(2_300, 5_500, 10, 5_500)
    expect(checks).toHaveLength(2)
    expect(checks[1]).toBeLessThan(2_800)
  })

  it('never exceeds 2 checks per second of the job, whatever the expectation', () => {
    for (const expected of [undefined, 100, 2_000, 60_000]) {
      for (const endsAt of [300, 2_000, 2_400, 9_000, 120_000]) expect(budgetHolds(simulate(endsAt, expected)), `${expected} ${endsAt}`).toBe(true)
    }
  })

  it('with no expectation, checks at the steady budget rate', () => {
    expect(simulate(2_000, undefined).slice(0, 5)).toEqual([0, 1_000, 1_500, 2_000])
  })

  it('waits at most maxIntervalMs, so a long job is still checked now and then', () => {
    expect(adaptivePollDelay({ polls: 1, elapsedMs: 10, sinceLastCheckMs: 10 }, { expectedMs: 180_000 })).toBe(10_000)
  })
})

describe('JobDurations', () => {
  it('expects the median of the recent jobs, nothing before the first', () => {
    const durations = new JobDurations(3)
    expect(durations.expectedMs()).toBeUndefined()
    for (const ms of [9_000, 2_000, 2_200, 2_400]) durations.record(ms)
    expect(durations.expectedMs()).toBe(2_200)
    expect(durations.earliestMs()).toBe(2_000)
  })
})
