import {
  PortraitAnimatorError,
  jobCalls,
  withDeadline,
  type AnimationRequest,
  type CallOptions,
  type HttpClient,
  type JobHandle,
  type JobStatus,
  type PortraitAnimator,
  type ProgressPhase,
} from '@portrait-animator/core'
import type { ReplicateApi } from './replicate-api.js'
import { parseHandle, type ParsedHandle } from './replicate-job-handle.js'
import { replicateJobDriver } from './replicate-job-driver.js'
import { API_KEY_VARIABLE, CAPABILITIES, MODEL_ID, PROVIDER } from './replicate-limits.js'
import { jobStatusOf, type ResultContext } from './replicate-result.js'
import type { ResolvedSettings } from './replicate-settings.js'

/** What the animator is built from. */
export interface AnimatorDependencies {
  readonly settings: ResolvedSettings
  /** The API, created on first use; `undefined` when no token is configured. */
  readonly api: () => ReplicateApi | undefined
  readonly http: HttpClient
  readonly isAllowedDownload: (url: string) => boolean
}

/**
 * `replicate/live-portrait` as a `PortraitAnimator` on core's job runtime (`runJob`/`startJob`):
 * prepares the inputs, creates the prediction, hands the handle to `onJobStarted`, polls it and
 * returns a lazily downloaded MP4. Aborting (or `timeoutMs`) cancels the prediction.
 */
export function createReplicateAnimator(dependencies: AnimatorDependencies): PortraitAnimator {
  const { settings } = dependencies
  const target = `${PROVIDER}/${MODEL_ID}`
  const context = { provider: PROVIDER, modelId: MODEL_ID }

  function requireApi(): ReplicateApi {
    const api = dependencies.api()
    if (api !== undefined) return api
    throw new PortraitAnimatorError({ kind: 'auth', message: `${API_KEY_VARIABLE} is not set: pass apiKey to createReplicate or set the environment variable.`, ...context, accepted: false })
  }

  function progress(options: CallOptions, startedAt: number, phase: ProgressPhase, message?: string): void {
    try {
      options.onProgress?.({ target, phase, elapsedMs: Date.now() - startedAt, ...(message === undefined ? {} : { message }) })
    } catch {
      // A listener's failure must not fail a paid job.
    }
  }

  function driver(request: AnimationRequest, options: CallOptions) {
    const startedAt = Date.now()
    return replicateJobDriver({
      api: requireApi,
      settings,
      request,
      startedAt,
      result: { http: dependencies.http, isAllowedDownload: dependencies.isAllowedDownload, usdPerSecond: settings.usdPerSecond },
      progress: (phase, message) => progress(options, startedAt, phase, message),
    })
  }

  /** Runs one API call on a handle within the caller's signal and `timeoutMs`. */
  async function onHandle<T>(handle: JobHandle, options: CallOptions, run: (api: ReplicateApi, id: string, signal: AbortSignal) => Promise<T>): Promise<T> {
    const parsed = parseHandle(handle)
    const deadline = withDeadline(options.signal, options.timeoutMs)
    try {
      return await run(requireApi(), parsed.predictionId, deadline.signal)
    } finally {
      deadline.clear()
    }
  }

  return {
    specificationVersion: 'v1',
    provider: PROVIDER,
    modelId: MODEL_ID,
    capabilities: CAPABILITIES,
    ...jobCalls(context, driver),

    async status(handle, options = {}): Promise<JobStatus> {
      const parsed = parseHandle(handle)
      return onHandle(handle, options, async (api, id, signal) => jobStatusOf(await api.get(id, signal), resultContext(dependencies, parsed)))
    },

    async cancel(handle, options = {}) {
      await onHandle(handle, options, (api, id, signal) => api.cancel(id, signal))
    },

    // Replicate bills the seconds a prediction runs on the model's hardware, unknown before it runs.
    estimateCost: () => undefined,
  }
}

/** How a result read back from a handle is built: timed from the handle's submission. */
function resultContext(dependencies: AnimatorDependencies, parsed: ParsedHandle): ResultContext {
  const submitted = parsed.submittedAt.getTime()
  const now = Date.now()
  return {
    http: dependencies.http,
    isAllowedDownload: dependencies.isAllowedDownload,
    usdPerSecond: dependencies.settings.usdPerSecond,
    warnings: parsed.warnings,
    startedAt: parsed.submittedAt.toISOString(),
    durationMs: now - submitted,
    timings: { totalMs: now - submitted },
  }
}
