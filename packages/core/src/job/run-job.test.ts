import { describe, expect, it } from 'vitest'
import { PortraitAnimatorError } from '../errors/index.js'
import type { JobHandle } from '../spec/index.js'
import { waitUntil } from '../testing/index.js'
import type { JobClock } from './job-clock.js'
import type { CancelOutcome, JobDriver, JobPoll } from './job-driver.js'
import { fixedPollSchedule } from './poll-schedule.js'
import { runJob, startJob } from './run-job.js'

const HANDLE: JobHandle = { specificationVersion: 'v1', provider: 'test', modelId: 'model', jobId: 'job-1', submittedAt: '2026-01-01T00:00:00.000Z' }

/** A clock whose sleeps pass at once, recording when each status check was made. */
function fakeClock(): JobClock & { readonly sleeps: number[] } {
  let now = 0
  const sleeps: number[] = []
  return {
    sleeps,
    now: () => now,
    sleep: async (ms, signal) => {
      signal.throwIfAborted()
      sleeps.push(ms)
      now += ms
    },
  }
}

interface Script {
  readonly polls: readonly JobPoll<string>[]
  readonly cancels: string[]
  readonly checks: number[]
}

function driver(script: Script, clock: JobClock, extra: Partial<JobDriver<string, string, string>> = {}): JobDriver<string, string, string> {
  let index = 0
  return {
    submit: async () => ({ job: 'job-1', handle: HANDLE }),
    status: async () => {
      script.checks.push(clock.now())
      return script.polls[Math.min(index++, script.polls.length - 1)]!
    },
    result: async (_job, done) => `result:${done}`,
    cancel: async (job) => {
      script.cancels.push(job)
      return 'asked'
    },
    pollSchedule: fixedPollSchedule(500),
    abortError: (signal, context: { readonly cancel: CancelOutcome }) =>
      new PortraitAnimatorError({ kind: signal.reason instanceof DOMException && signal.reason.name === 'TimeoutError' ? 'timeout' : 'cancelled', message: `stopped (${context.cancel.confirmed ? 'cancel asked' : 'cancel failed'})`, accepted: true }),
    ...extra,
  }
}

const script = (polls: readonly JobPoll<string>[]): Script => ({ polls, cancels: [], checks: [] })
const running: JobPoll<string> = { done: false }
const done: JobPoll<string> = { done: true, value: 'ok' }

describe('runJob', () => {
  it('checks at once, then on the schedule, and builds the result from the ended job', async () => {
    const clock = fakeClock()
    const steps = script([running, running, done])
    await expect(runJob(driver(steps, clock), { clock })).resolves.toBe('result:ok')
    expect(steps.checks).toEqual([0, 500, 1000])
    expect(clock.sleeps).toEqual([500, 500])
  })

  it('uses a status stream when the driver has one, and polls when it gives up', async () => {
    const clock = fakeClock()
    const streamed = script([done])
    await runJob(driver(streamed, clock, { streamStatus: async () => done }), { clock })
    expect(streamed.checks).toEqual([])
    const fallback = script([done])
    await runJob(driver(fallback, clock, { streamStatus: async () => undefined }), { clock })
    expect(fallback.checks).toHaveLength(1)
  })

  it('tries a failed status check again only when retryStatus says so, waiting what it asks', async () => {
    const clock = fakeClock()
    const steps = script([done])
    let failures = 0
    const flaky = driver(steps, clock, {
      status: async () => {
        if (failures++ < 2) throw new Error('503')
        return done
      },
      retryStatus: (_error, consecutive) => (consecutive <= 2 ? 3_000 : undefined),
    })
    await expect(runJob(flaky, { clock })).resolves.toBe('result:ok')
    expect(clock.sleeps).toEqual([3_000, 3_000])
    const broken = driver(steps, clock, { status: () => Promise.reject(new Error('401')) })
    await expect(runJob(broken, { clock })).rejects.toThrow('401')
  })

  it('cancels the job when onJobStarted fails, with the failure (or the driver wording of it)', async () => {
    const clock = fakeClock()
    const steps = script([done])
    const failure = new Error('journal full')
    await expect(runJob(driver(steps, clock), { clock, onJobStarted: () => Promise.reject(failure) })).rejects.toBe(failure)
    expect(steps.cancels).toEqual(['job-1'])
    // The first check may have gone out meanwhile (checks are free); no result was built from it.
    expect(steps.checks.length).toBeLessThanOrEqual(1)
    const worded = driver(steps, clock, { announceFailed: (error, context) => new Error(`worded ${String((error as Error).message)} ${context.cancel.confirmed}`) })
    await expect(startJob(worded, { onJobStarted: () => Promise.reject(failure) })).rejects.toThrow('worded journal full true')
    expect(steps.cancels).toHaveLength(2)
  })

  it('sends the first check while onJobStarted runs, and builds the result only once it resolved', async () => {
    const steps = script([done])
    const built: string[] = []
    let journaled!: () => void
    const journaling = new Promise<void>((resolve) => (journaled = resolve))
    const run = runJob(driver(steps, fakeClock(), { result: async (_job, value) => (built.push(value), `result:${value}`) }), { onJobStarted: () => journaling })
    let settled = false
    void run.then(() => (settled = true))
    await waitUntil(() => steps.checks.length === 1, { intervalMs: 1, what: 'the first check, while onJobStarted runs' })
    await new Promise((resolve) => setImmediate(resolve))
    expect({ built, settled }).toEqual({ built: [], settled: false })
    journaled()
    await expect(run).resolves.toBe('result:ok')
    expect(built).toEqual(['ok'])
  })

  it('when onJobStarted fails while the job is followed: following stops, the job is cancelled, the call fails with it', async () => {
    const steps = script([running])
    let fail!: (error: Error) => void
    const journaling = new Promise<void>((_resolve, reject) => (fail = reject))
    const run = runJob(driver(steps, fakeClock(), { pollSchedule: () => 3_600_000 }), { onJobStarted: () => journaling })
    await waitUntil(() => steps.checks.length === 1, { intervalMs: 1, what: 'the first check' })
    const failure = new Error('disk full')
    fail(failure)
    await expect(run).rejects.toBe(failure)
    expect(steps.cancels).toEqual(['job-1'])
  })

  it('a status check that fails while onJobStarted runs ends the call with its failure only after onJobStarted resolved', async () => {
    const steps = script([done])
    let journaled!: () => void
    let announced = false
    const journaling = new Promise<void>((resolve) => (journaled = resolve)).then(() => void (announced = true))
    const run = runJob(driver(steps, fakeClock(), { status: async () => (steps.checks.push(0), Promise.reject(new Error('job failed'))) }), { onJobStarted: () => journaling })
    let settledEarly = false
    void run.catch(() => (settledEarly = !announced))
    await waitUntil(() => steps.checks.length === 1, { intervalMs: 1, what: 'the first check' })
    journaled()
    await expect(run).rejects.toThrow('job failed')
    expect(settledEarly).toBe(false)
  })

  it('on abort while following: stops at once, cancels the job once, ends with the driver abortError', async () => {
    const steps = script([running])
    const controller = new AbortController()
    const run = runJob(driver(steps, fakeClock(), { pollSchedule: () => 3_600_000 }), { signal: controller.signal })
    await waitUntil(() => steps.checks.length === 1, { intervalMs: 1, what: 'the first check' })
    controller.abort()
    await expect(run).rejects.toMatchObject({ kind: 'cancelled', message: 'stopped (cancel asked)' })
    expect(steps.cancels).toEqual(['job-1'])
  })

  it('owns the deadline: timeoutMs ends a running job with timeout and cancels it', async () => {
    const steps = script([running])
    const error = await runJob(driver(steps, fakeClock(), { pollSchedule: () => 5 }), { timeoutMs: 40 }).catch((caught: unknown) => caught)
    expect(error).toMatchObject({ kind: 'timeout' })
    expect(steps.cancels).toEqual(['job-1'])
  })

  it('a failed cancel is reported, not thrown, and marks the job as one that may still run', async () => {
    const steps = script([running])
    const controller = new AbortController()
    controller.abort()
    const stubborn = driver(steps, fakeClock(), { cancel: () => Promise.reject(new Error('no')) })
    await expect(runJob(stubborn, { signal: controller.signal })).rejects.toMatchObject({ message: 'stopped (cancel failed)', jobMayRun: true })
  })

  it('a confirmed cancel does not mark the job as one that may still run', async () => {
    const controller = new AbortController()
    controller.abort()
    const error = (await runJob(driver(script([running]), fakeClock()), { signal: controller.signal }).catch((caught: unknown) => caught)) as PortraitAnimatorError
    expect(error.message).toBe('stopped (cancel asked)')
    expect(error.jobMayRun).toBeUndefined()
  })

  it('leaves no listener on the caller signal, however the call ends', async () => {
    const controller = new AbortController()
    const signal = controller.signal
    let listening = 0
    const add = signal.addEventListener.bind(signal)
    const remove = signal.removeEventListener.bind(signal)
    signal.addEventListener = ((type: string, listener: EventListener, options?: AddEventListenerOptions) => (listening++, add(type, listener, options))) as typeof signal.addEventListener
    signal.removeEventListener = ((type: string, listener: EventListener) => (listening--, remove(type, listener))) as typeof signal.removeEventListener
    const steps = script([running, running, done])
    const clock = fakeClock()
    await runJob(driver(steps, clock), { signal, timeoutMs: 60_000, clock })
    await startJob(driver(steps, fakeClock()), { signal, onJobStarted: () => undefined })
    await runJob(driver(script([done]), fakeClock(), { result: () => Promise.reject(new Error('bad output')) }), { signal }).catch(() => undefined)
    expect(listening).toBe(0)
  })
})
