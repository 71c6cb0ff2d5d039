import {
  PortraitAnimatorError,
  abortError,
  enforceStrict,
  fixedPollSchedule,
  toPortraitAnimatorError,
  type AnimationRequest,
  type AnimationResult,
  type JobDriver,
  type ProgressPhase,
  type Warning,
} from '@portrait-animator/core'
import type { ReplicateApi, ReplicatePrediction } from './replicate-api.js'
import { prepareInput } from './replicate-inputs.js'
import { createHandle } from './replicate-job-handle.js'
import { MODEL_ID, PROVIDER } from './replicate-limits.js'
import { finishedResult, isPending, type ResultContext } from './replicate-result.js'
import type { ResolvedSettings } from './replicate-settings.js'

/** Consecutive failed status checks (5xx, 429, lost connections) tolerated while a prediction runs. */
const MAX_POLL_FAILURES = 5

/** Longest extra wait a `Retry-After` on a status check may impose. */
const MAX_POLL_BACKOFF_MS = 60_000

/** A created prediction being followed. */
export interface ReplicateJob {
  readonly id: string
  readonly submittedAt: Date
  readonly warnings: readonly Warning[]
  /** The create answer: already finished when `Prefer: wait` held the call to the end. */
  readonly created: ReplicatePrediction
}

/** What one call's driver is built from. */
export interface ReplicateCall {
  readonly api: () => ReplicateApi
  readonly settings: ResolvedSettings
  readonly request: AnimationRequest
  readonly startedAt: number
  readonly result: Omit<ResultContext, 'warnings' | 'startedAt' | 'durationMs' | 'timings'>
  readonly progress: (phase: ProgressPhase, message?: string) => void
}

/**
 * The Replicate side of core's job runtime for one call: inputs prepared and the prediction
 * created, `GET /v1/predictions/{id}` every `pollIntervalMs` (transient failures tried again, up to
 * 5 in a row, after any `Retry-After`), `POST /v1/predictions/{id}/cancel` on abort, and the result
 * of a finished prediction.
 */
export function replicateJobDriver(call: ReplicateCall): JobDriver<ReplicateJob, ReplicatePrediction, AnimationResult> {
  let checks = 0
  let runningSince: number | undefined
  return {
    submit: (signal, submitting) => submit(call, signal, submitting),
    async status(job, signal) {
      const prediction = checks++ === 0 && !isPending(job.created) ? job.created : await call.api().get(job.id, signal)
      if (!isPending(prediction)) return { done: true, value: prediction }
      if (prediction.status === 'processing') runningSince ??= Date.now()
      call.progress(prediction.status === 'starting' ? 'queued' : 'running', `Replicate prediction ${job.id} is ${prediction.status}.`)
      return { done: false }
    },
    async result(job, prediction) {
      const now = Date.now()
      const submitted = job.submittedAt.getTime()
      const result = finishedResult(prediction, {
        ...call.result,
        warnings: job.warnings,
        startedAt: new Date(call.startedAt).toISOString(),
        durationMs: now - call.startedAt,
        timings: {
          ...(runningSince === undefined ? {} : { queuedMs: runningSince - submitted }),
          runningMs: now - (runningSince ?? submitted),
          totalMs: now - call.startedAt,
        },
      })
      call.progress('completed')
      return result
    },
    async cancel(job, signal) {
      const prediction = await call.api().cancel(job.id, signal)
      return prediction.status
    },
    pollSchedule: fixedPollSchedule(call.settings.pollIntervalMs),
    retryStatus(error, failures) {
      const failure = toPortraitAnimatorError(error, { provider: PROVIDER, modelId: MODEL_ID })
      const transient = failure.kind === 'unavailable' || failure.kind === 'rate_limited' || failure.kind === 'timeout'
      return transient && failures <= MAX_POLL_FAILURES ? Math.min(MAX_POLL_BACKOFF_MS, failure.retryAfterMs ?? 0) : undefined
    },
    abortError(signal, { job, cancel }) {
      const detail = cancel.confirmed ? `Replicate prediction ${job.id} was canceled` : `canceling Replicate prediction ${job.id} failed (${messageOf(cancel.error)})`
      const base = abortError(signal, { provider: PROVIDER, modelId: MODEL_ID })
      return new PortraitAnimatorError({
        kind: base.kind,
        message: `${base.message} ${detail}.`,
        provider: PROVIDER,
        modelId: MODEL_ID,
        requestId: job.id,
        accepted: true,
        ...(cancel.confirmed ? {} : { jobMayRun: true }),
        cause: signal.reason,
      })
    },
    announceFailed(error, { job }) {
      return new PortraitAnimatorError({
        kind: 'provider_error',
        message: `onJobStarted failed, so Replicate prediction ${job.id} was canceled: ${messageOf(error)}`,
        provider: PROVIDER,
        modelId: MODEL_ID,
        requestId: job.id,
        accepted: true,
        cause: error,
      })
    },
  }
}

/** Validates and prepares the inputs, then creates the prediction; the error says how far it got. */
async function submit(call: ReplicateCall, signal: AbortSignal, submitting: () => Promise<void>) {
  let creating = false
  try {
    signal.throwIfAborted()
    call.progress('validating')
    const api = call.api()
    const { input, warnings } = await prepareInput(call.request, call.settings, signal)
    enforceStrict(call.request, warnings, { provider: PROVIDER, modelId: MODEL_ID })
    call.progress('submitting')
    await submitting()
    signal.throwIfAborted()
    creating = true
    const submittedAt = new Date()
    const created = await api.create(input, signal)
    return { job: { id: created.id, submittedAt, warnings, created }, handle: createHandle(created.id, submittedAt, warnings) }
  } catch (error) {
    if (signal.aborted) {
      const base = abortError(signal, { provider: PROVIDER, modelId: MODEL_ID })
      throw new PortraitAnimatorError({ kind: base.kind, message: base.message, provider: PROVIDER, modelId: MODEL_ID, accepted: creating ? 'unknown' : false, ...(creating ? { jobMayRun: true } : {}), cause: error })
    }
    throw toPortraitAnimatorError(error, { provider: PROVIDER, modelId: MODEL_ID })
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
