import { PortraitAnimatorError } from '@portrait-animator/core'
import type { Queue, QueueEvents } from 'bullmq'
import type { AnimationJobData, AnimationJobResult } from './animation-job.js'

/** How a job ended, as a waiter sees it. */
export type JobEnding = { readonly state: 'completed'; readonly value: AnimationJobResult } | { readonly state: 'failed'; readonly reason: string }

/** Options of `waitForJob`. */
export interface WaitForJobOptions {
  /** Stop waiting after this many milliseconds (a `timeout` error); the job goes on. */
  readonly timeoutMs: number
  /** Stop waiting when aborted (a `cancelled` error); the job goes on. */
  readonly signal?: AbortSignal
}

/**
 * Waits for a job to complete or fail for good, as `job.waitUntilFinished` does (listen on
 * QueueEvents first, then look whether it already finished), but a waiter that gives up (abort or
 * deadline) only removes its own listeners: the job itself is never touched, since other callers
 * may be waiting for the same deterministic job id.
 */
export async function waitForJob(queue: Queue<AnimationJobData, AnimationJobResult>, events: QueueEvents, id: string, options: WaitForJobOptions): Promise<JobEnding> {
  options.signal?.throwIfAborted()
  let cleanup = () => {}
  const ending = new Promise<JobEnding>((resolve, reject) => {
    const onCompleted = ({ returnvalue }: { returnvalue: unknown }) => resolve({ state: 'completed', value: (typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue) as AnimationJobResult })
    const onFailed = ({ failedReason }: { failedReason: string }) => resolve({ state: 'failed', reason: failedReason })
    const onAbort = () => reject(new PortraitAnimatorError({ kind: 'cancelled', message: 'Stopped waiting for the queued job (it goes on for whoever else waits for it).' }))
    const timer = setTimeout(() => reject(new PortraitAnimatorError({ kind: 'timeout', message: `The queued job did not finish within ${Math.round(options.timeoutMs / 1000)} s (it goes on; asking again joins it).` })), options.timeoutMs)
    events.on(`completed:${id}` as 'completed', onCompleted as never)
    events.on(`failed:${id}` as 'failed', onFailed as never)
    options.signal?.addEventListener('abort', onAbort, { once: true })
    cleanup = () => {
      clearTimeout(timer)
      events.off(`completed:${id}` as 'completed', onCompleted as never)
      events.off(`failed:${id}` as 'failed', onFailed as never)
      options.signal?.removeEventListener('abort', onAbort)
    }
  })
  try {
    // Listening before looking, so a job finishing in between is not missed.
    await events.waitUntilReady()
    const finished = await finishedAlready(queue, id)
    return finished ?? (await ending)
  } finally {
    cleanup()
    ending.catch(() => undefined)
  }
}

async function finishedAlready(queue: Queue<AnimationJobData, AnimationJobResult>, id: string): Promise<JobEnding | undefined> {
  const state = await queue.getJobState(id)
  if (state !== 'completed' && state !== 'failed') return undefined
  const job = await queue.getJob(id)
  if (!job) return undefined
  return state === 'completed' ? { state, value: job.returnvalue } : { state, reason: job.failedReason }
}
