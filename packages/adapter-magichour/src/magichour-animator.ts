import {
  JobDurations,
  PortraitAnimatorError,
  jobCalls,
  toPortraitAnimatorError,
  type AnimationRequest,
  type CallOptions,
  type HttpClient,
  type JobStatus,
  type ProgressPhase,
} from '@portrait-animator/core'
import { abortedError, createCallScope, type CallScope } from './magichour-abort.js'
import type { MagicHourApi } from './magichour-api.js'
import type { Accepted } from './magichour-errors.js'
import { parseHandle } from './magichour-job-handle.js'
import { magicHourJobDriver } from './magichour-job-driver.js'
import { API_KEY_VARIABLE, PROVIDER } from './magichour-limits.js'
import type { MagicHourAnimator, MagicHourModel } from './magichour-model.js'
import { jobStatusOf } from './magichour-result.js'
import type { ResolvedSettings } from './magichour-settings.js'
import type { MagicHourUploads } from './magichour-uploads.js'

/** What an animator is built from. */
export interface AnimatorDependencies {
  readonly model: MagicHourModel
  readonly settings: ResolvedSettings
  /** The API client, created on first use; `undefined` when no key is configured. */
  readonly api: () => MagicHourApi | undefined
  readonly http: HttpClient
  readonly isAllowedHost: (url: string) => boolean
  /** The provider's uploads: each distinct asset once, within its concurrency cap. */
  readonly uploads: MagicHourUploads
}

/**
 * A Magic Hour model as a `PortraitAnimator` on the shared job runtime (`runJob`): uploads the
 * inputs, creates the project, hands the handle to `onJobStarted`, polls the project (adaptively,
 * or every `pollIntervalMs` when set) and returns a lazily downloaded video. Aborting (or passing
 * `timeoutMs`) stops polling at once and cancels the project.
 */
export function createMagicHourAnimator(dependencies: AnimatorDependencies): MagicHourAnimator {
  const { model, settings } = dependencies
  const modelId = model.modelId
  const target = `${PROVIDER}/${modelId}`
  const sources = { http: dependencies.http, modelId, isAllowedHost: dependencies.isAllowedHost }
  /** How long this model's recent projects took, for adaptive polling. */
  const durations = new JobDurations()

  function requireApi(): MagicHourApi {
    const api = dependencies.api()
    if (api !== undefined) return api
    throw new PortraitAnimatorError({
      kind: 'auth',
      message: `${API_KEY_VARIABLE} is not set: pass apiKey to createMagicHour or set the environment variable.`,
      provider: PROVIDER,
      modelId,
      accepted: false,
    })
  }

  function progress(options: CallOptions, startedAt: number, phase: ProgressPhase, message?: string): void {
    if (!options.onProgress) return
    try {
      options.onProgress({ target, phase, elapsedMs: Date.now() - startedAt, ...(message === undefined ? {} : { message }) })
    } catch {
      // A listener's failure must not fail a paid job.
    }
  }

  /** Turns a failure into the error the caller sees, with `accepted` as far as the call got. */
  function settle(error: unknown, scope: CallScope, accepted: Accepted): PortraitAnimatorError {
    if (scope.signal.aborted) return abortedError(scope.signal, modelId, accepted)
    return toPortraitAnimatorError(error, { provider: PROVIDER, modelId })
  }

  /** The shared job runtime's driver for one call. */
  function driver(request: AnimationRequest, options: CallOptions) {
    const startedAt = Date.now()
    return magicHourJobDriver({
      model,
      settings,
      api: requireApi,
      request,
      startedAt,
      durations,
      sources: { http: dependencies.http, isAllowedHost: dependencies.isAllowedHost, uploads: dependencies.uploads },
      progress: (phase, message) => progress(options, startedAt, phase, message),
    })
  }

  return {
    specificationVersion: 'v1',
    provider: PROVIDER,
    modelId,
    capabilities: model.capabilities,
    ...jobCalls({ provider: PROVIDER, modelId }, driver),

    async status(handle, options = {}): Promise<JobStatus> {
      const parsed = parseHandle(handle, modelId)
      const scope = createCallScope(options)
      try {
        const api = requireApi()
        const project = await api.getProject(parsed.projectId, { signal: scope.signal, modelId })
        const now = Date.now()
        const submitted = parsed.submittedAt.getTime()
        return jobStatusOf(project, {
          modelId,
          handleData: parsed.data,
          usdPerCredit: settings.usdPerCredit,
          startedAt: parsed.submittedAt.toISOString(),
          durationMs: now - submitted,
          timings: { totalMs: now - submitted },
          sources: { ...sources, api },
        })
      } catch (error) {
        throw settle(error, scope, true)
      } finally {
        scope.end()
      }
    },

    async cancel(handle, options = {}) {
      const parsed = parseHandle(handle, modelId)
      const scope = createCallScope(options)
      try {
        await requireApi().deleteProject(parsed.projectId, { signal: scope.signal, modelId })
      } catch (error) {
        throw settle(error, scope, true)
      } finally {
        scope.end()
      }
    },

    estimateCost(request) {
      return model.estimateCost(request, settings.usdPerCredit)
    },
  }
}
