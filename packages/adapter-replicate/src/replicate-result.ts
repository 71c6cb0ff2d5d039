import { PortraitAnimatorError, createRemoteOutput, type AnimationResult, type HttpClient, type JobStatus, type Timings, type Warning } from '@portrait-animator/core'
import type { ReplicatePrediction } from './replicate-api.js'
import { predictionCanceled, predictionFailed } from './replicate-errors.js'
import { MODEL_ID, PROVIDER } from './replicate-limits.js'

/** What turning a succeeded prediction into a result needs. */
export interface ResultContext {
  readonly http: HttpClient
  /** Whether a download URL may be fetched (https anywhere, plain http only from the API's origin). */
  readonly isAllowedDownload: (url: string) => boolean
  readonly usdPerSecond: number
  readonly warnings: readonly Warning[]
  readonly startedAt: string
  readonly durationMs: number
  readonly timings: Timings
}

/** The first video URL of `output` (fofr/live-portrait answers a list of one MP4). */
function outputUrl(output: unknown): string | undefined {
  const values = Array.isArray(output) ? output : [output]
  return values.find((value): value is string => typeof value === 'string' && /^https?:\/\//.test(value))
}

/** The result of a succeeded prediction; the video is downloaded on `bytes()`/`save()`. */
export function succeededResult(prediction: ReplicatePrediction, context: ResultContext): AnimationResult {
  const url = outputUrl(prediction.output)
  if (url === undefined || !context.isAllowedDownload(url)) {
    throw new PortraitAnimatorError({
      kind: 'provider_error',
      message: `Replicate prediction ${prediction.id} succeeded without a usable output URL.`,
      provider: PROVIDER,
      modelId: MODEL_ID,
      requestId: prediction.id,
      accepted: true,
    })
  }
  const target = `${PROVIDER}/${MODEL_ID}`
  const seconds = prediction.metrics?.predict_time
  const output = createRemoteOutput({ kind: 'video', format: 'mp4', url, provider: PROVIDER, modelId: MODEL_ID, requestId: prediction.id, open: (signal) => context.http.open(url, signal ? { signal } : {}) })
  return {
    output,
    servedBy: { provider: PROVIDER, modelId: MODEL_ID, target },
    attempts: [{ target, provider: PROVIDER, modelId: MODEL_ID, outcome: 'succeeded', attempt: 1, startedAt: context.startedAt, durationMs: context.durationMs, accepted: true }],
    warnings: context.warnings,
    ...(seconds === undefined
      ? {}
      : { cost: { usd: Math.round(seconds * context.usdPerSecond * 1e6) / 1e6, basis: 'estimated' as const, note: `${seconds} s of prediction time at $${context.usdPerSecond}/s (Replicate bills the model's hardware by the second)` } }),
    timings: context.timings,
    providerMetadata: { [PROVIDER]: { requestId: prediction.id, predictionId: prediction.id, ...(seconds === undefined ? {} : { predictTimeSeconds: seconds }) } },
  }
}

/** A finished prediction's result, or the error it ended with. */
export function finishedResult(prediction: ReplicatePrediction, context: ResultContext): AnimationResult {
  if (prediction.status === 'succeeded') return succeededResult(prediction, context)
  if (prediction.status === 'canceled' || prediction.status === 'aborted') throw predictionCanceled(prediction.id, MODEL_ID)
  throw predictionFailed(prediction.id, typeof prediction.error === 'string' ? prediction.error : undefined, MODEL_ID)
}

/** Whether the prediction is still starting or processing. */
export function isPending(prediction: ReplicatePrediction): boolean {
  return prediction.status === 'starting' || prediction.status === 'processing'
}

/** `status()`'s answer for a prediction. */
export function jobStatusOf(prediction: ReplicatePrediction, context: ResultContext): JobStatus {
  if (isPending(prediction)) return { state: 'pending', phase: prediction.status === 'starting' ? 'queued' : 'running' }
  try {
    return { state: 'completed', result: finishedResult(prediction, context) }
  } catch (error) {
    if (!PortraitAnimatorError.isInstance(error)) throw error
    return { state: 'failed', errorKind: error.kind, ...(error.providerCode === undefined ? {} : { providerCode: error.providerCode }), message: error.message }
  }
}
