import { PortraitAnimatorError, abortError, fixedPollSchedule, type AnimationResult, type HttpClient, type JobDriver, type JobHandle } from '@portrait-animator/core'
import type { FalJobData } from './fal-job-handle.js'
import type { FalJobTracker } from './fal-job-tracker.js'
import type { FalModelDefinition } from './fal-model.js'
import type { FalJobReference, FalQueue } from './fal-queue.js'
import { buildFalResult, falJobResultParts } from './fal-result.js'
import type { FalQueueStatus } from './fal-schemas.js'
import type { ResolvedFalSettings } from './fal-settings.js'

/** Whether fal's status stream works here, learned once per adapter instance. */
export interface FalStreamSupport {
  state: 'unknown' | 'supported' | 'unsupported'
}

/** A job fal accepted, with what finishing it needs. */
export interface FalSubmittedJob {
  readonly reference: FalJobReference
  readonly data: FalJobData
}

/** What one call's driver is built from. */
export interface FalCall {
  readonly definition: FalModelDefinition
  readonly settings: ResolvedFalSettings
  readonly queue: FalQueue
  readonly http: HttpClient
  readonly streamSupport: FalStreamSupport
  readonly tracker: FalJobTracker
  readonly startedAt: Date
  /** Validates, uploads and submits (see `createFalAnimator`). */
  readonly submit: (signal: AbortSignal, submitting: () => Promise<void>) => Promise<{ readonly job: FalSubmittedJob; readonly handle: JobHandle }>
  /**
   * Milliseconds without any event after which a status stream is dropped for polling.
   * @default 15000
   */
  readonly streamIdleMs?: number
}

/**
 * The fal side of the shared job runtime for one call: the queue's status stream when it works
 * (completion is seen at once), else a status request every `pollIntervalMs` (start to start);
 * fal reports jobs that ended in error as `COMPLETED` too, and the result call tells which.
 */
export function falJobDriver(call: FalCall): JobDriver<FalSubmittedJob, FalQueueStatus, AnimationResult> {
  const { queue, settings, tracker, definition } = call
  const modelId = definition.modelId
  const streaming = settings.statusMode === 'streaming' || (settings.statusMode === 'auto' && call.streamSupport.state !== 'unsupported')
  return {
    submit: call.submit,
    async status(job, signal) {
      const status = await queue.status(job.reference, signal)
      tracker.status(status)
      return status.status === 'COMPLETED' ? { done: true, value: status } : { done: false }
    },
    ...(streaming
      ? {
          async streamStatus(job: FalSubmittedJob, signal: AbortSignal) {
            const streamed = await queue.streamStatus(job.reference, { signal, idleMs: call.streamIdleMs ?? 15_000, onStatus: (status) => tracker.status(status) })
            if (streamed.outcome === 'completed') {
              call.streamSupport.state = 'supported'
              return { done: true as const, value: streamed.status }
            }
            if (streamed.outcome === 'unsupported' && call.streamSupport.state === 'unknown') call.streamSupport.state = 'unsupported'
            return undefined
          },
        }
      : {}),
    async result(job, _status, signal) {
      const outcome = await queue.result(job.reference, signal)
      if (!outcome.ok) throw outcome.error
      const completedAt = new Date()
      const { data, reference } = job
      const result = buildFalResult({
        ...falJobResultParts({ modelId, requestId: reference.requestId, data }, definition, outcome.data, settings),
        completedAt,
        startedAt: call.startedAt,
        timings: tracker.timings(completedAt.getTime()),
        inferenceSeconds: tracker.inferenceSeconds,
        logs: tracker.logs,
        http: call.http,
      })
      tracker.phase('completed')
      return result
    },
    async cancel(job, signal) {
      const answer = await queue.cancel(job.reference, signal)
      return answer === 'already-completed' ? 'it had already completed at fal' : 'fal was asked to cancel it'
    },
    pollSchedule: fixedPollSchedule(settings.pollIntervalMs),
    abortError(signal, { job, cancel, cause }) {
      const note = cancel.confirmed ? (cancel.answer ?? 'fal was asked to cancel it') : 'fal did not confirm its cancellation'
      const kind = abortError(signal).kind
      const requestId = job.reference.requestId
      return new PortraitAnimatorError({
        kind,
        message: `The fal request ${requestId} ${kind === 'timeout' ? 'passed its deadline' : 'was cancelled'}; ${note}.`,
        provider: 'fal',
        modelId,
        requestId,
        accepted: true,
        cause,
      })
    },
  }
}
