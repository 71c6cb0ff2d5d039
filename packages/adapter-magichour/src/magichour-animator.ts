import {
  PortraitAnimatorError,
  sleep,
  toPortraitAnimatorError,
  type AnimationRequest,
  type AnimationResult,
  type CallOptions,
  type HttpClient,
  type JobHandle,
  type JobStatus,
  type ProgressPhase,
  type Warning,
  validateCallOptions,
  validateRequest,
} from '@portrait-animator/core'
import { abortedError, createCallScope, type CallScope } from './magichour-abort.js'
import type { MagicHourApi } from './magichour-api.js'
import { projectCanceled, projectFailure, type Accepted } from './magichour-errors.js'
import { uploadAssets } from './magichour-inputs.js'
import type { MagicHourUploads } from './magichour-uploads.js'
import { createHandle, parseHandle, type ParsedHandle } from './magichour-job-handle.js'
import { API_KEY_VARIABLE, PROVIDER } from './magichour-limits.js'
import type { MagicHourAnimator, MagicHourModel, Submission } from './magichour-model.js'
import { completedResult, jobStatusOf, stateOf } from './magichour-result.js'
import type { MagicHourProject } from './magichour-schemas.js'
import type { ResolvedSettings } from './magichour-settings.js'

/** Consecutive failed status checks (5xx, 429, lost connections) tolerated while a project runs. */
const MAX_POLL_FAILURES = 5

/** Longest extra wait a `Retry-After` on a status check may impose. */
const MAX_POLL_BACKOFF_MS = 60_000

/** How long an abort waits for Magic Hour to confirm that the running project was cancelled. */
const CANCEL_TIMEOUT_MS = 5_000

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

/** How far a call got: decides `accepted` when it fails. */
type Stage = 'preparing' | 'creating' | 'created'

/**
 * A Magic Hour model as a `PortraitAnimator`: uploads the inputs, creates the project, hands the
 * handle to `onJobStarted`, polls the project every `pollIntervalMs` and returns a lazily
 * downloaded video. Aborting (or passing `timeoutMs`) stops polling at once and cancels the project.
 */
export function createMagicHourAnimator(dependencies: AnimatorDependencies): MagicHourAnimator {
  const { model, settings } = dependencies
  const modelId = model.modelId
  const target = `${PROVIDER}/${modelId}`
  const sources = { http: dependencies.http, modelId, isAllowedHost: dependencies.isAllowedHost }

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

  function progress(options: CallOptions, scope: CallScope, phase: ProgressPhase, message?: string): void {
    if (!options.onProgress) return
    try {
      options.onProgress({ target, phase, elapsedMs: scope.elapsedMs(), ...(message === undefined ? {} : { message }) })
    } catch {
      // A listener's failure must not fail a paid job.
    }
  }

  /** Validates, uploads and creates the project, then journals the handle through `onJobStarted`. */
  async function submit(request: AnimationRequest, options: CallOptions, scope: CallScope): Promise<{ handle: JobHandle; parsed: ParsedHandle }> {
    let stage: Stage = 'preparing'
    let created: { api: MagicHourApi; projectId: string } | undefined
    try {
      scope.signal.throwIfAborted()
      progress(options, scope, 'validating')
      const api = requireApi()
      const submission = await model.prepare(request, { signal: scope.signal, settings })
      if (request.strict === true) failOnWarnings(submission.warnings, modelId)
      const call = { signal: scope.signal, modelId }
      if (submission.assets.some((asset) => asset.kind === 'media')) progress(options, scope, 'uploading')
      const paths = await uploadAssets(submission.assets, { api, http: dependencies.http, call, isAllowedHost: dependencies.isAllowedHost, uploads: dependencies.uploads })
      progress(options, scope, 'submitting')
      scope.signal.throwIfAborted()
      stage = 'creating'
      const submittedAt = new Date()
      const project = await submission.create(paths, api, call)
      stage = 'created'
      created = { api, projectId: project.id }
      const handle = createHandle(modelId, project.id, submittedAt, handleDataOf(submission))
      await journal(handle, options, api)
      return { handle, parsed: parseHandle(handle, modelId) }
    } catch (error) {
      if (created !== undefined && scope.signal.aborted) throw await abortRunning(created.api, created.projectId, scope)
      throw settle(error, scope, stage === 'preparing' ? false : stage === 'creating' ? 'unknown' : true)
    }
  }

  /** Hands the handle to the caller; a failure there leaves nobody to follow the job, so it is cancelled. */
  async function journal(handle: JobHandle, options: CallOptions, api: MagicHourApi): Promise<void> {
    if (!options.onJobStarted) return
    try {
      await options.onJobStarted(handle)
    } catch (error) {
      await cancelQuietly(api, handle.jobId)
      throw new PortraitAnimatorError({
        kind: 'provider_error',
        message: `onJobStarted failed, so Magic Hour project ${handle.jobId} was cancelled: ${error instanceof Error ? error.message : String(error)}`,
        provider: PROVIDER,
        modelId,
        requestId: handle.jobId,
        accepted: true,
        cause: error,
      })
    }
  }

  async function cancelQuietly(api: MagicHourApi, projectId: string): Promise<string | undefined> {
    try {
      await api.deleteProject(projectId, { signal: AbortSignal.timeout(CANCEL_TIMEOUT_MS), modelId })
      return undefined
    } catch (error) {
      return error instanceof Error ? error.message : String(error)
    }
  }

  /** Turns a failure into the error the caller sees, with `accepted` as far as the call got. */
  function settle(error: unknown, scope: CallScope, accepted: Accepted): PortraitAnimatorError {
    if (scope.signal.aborted) return abortedError(scope.signal, modelId, accepted)
    return toPortraitAnimatorError(error, { provider: PROVIDER, modelId })
  }

  /** Polls until the project ends; aborting cancels it. */
  async function follow(parsed: ParsedHandle, options: CallOptions, scope: CallScope, startedAt: Date): Promise<AnimationResult> {
    const api = requireApi()
    const projectId = parsed.projectId
    const call = { signal: scope.signal, modelId }
    let renderingSince: number | undefined
    let failures = 0
    let extraWaitMs = 0
    for (;;) {
      // The wait starts when the previous answer has arrived, so Magic Hour never sees two status
      // checks of one project closer than `pollIntervalMs` apart, however long answers take.
      // An abort ends the wait early; the check below turns it into a cancelled project.
      await sleep(settings.pollIntervalMs + extraWaitMs, scope.signal).catch(() => undefined)
      if (scope.signal.aborted) throw await abortRunning(api, projectId, scope)
      let project: MagicHourProject
      try {
        project = await api.getProject(projectId, call)
        failures = 0
        extraWaitMs = 0
      } catch (error) {
        if (scope.signal.aborted) throw await abortRunning(api, projectId, scope)
        const failure = toPortraitAnimatorError(error, { provider: PROVIDER, modelId })
        const transient = failure.kind === 'unavailable' || failure.kind === 'rate_limited' || failure.kind === 'timeout'
        if (transient && ++failures <= MAX_POLL_FAILURES) {
          extraWaitMs = Math.min(MAX_POLL_BACKOFF_MS, Math.max(0, (failure.retryAfterMs ?? 0) - settings.pollIntervalMs))
          continue
        }
        throw failure
      }
      const state = stateOf(project)
      if (state === 'running' && renderingSince === undefined) renderingSince = Date.now()
      switch (state) {
        case 'queued':
        case 'running':
          progress(options, scope, state, `Magic Hour project ${projectId} is ${project.status}.`)
          continue
        case 'error':
          throw projectFailure(project, modelId)
        case 'canceled':
          throw projectCanceled(project, modelId)
        case 'complete': {
          const now = Date.now()
          const submitted = parsed.submittedAt.getTime()
          const result = completedResult(project, {
            modelId,
            handleData: parsed.data,
            usdPerCredit: settings.usdPerCredit,
            startedAt: startedAt.toISOString(),
            durationMs: now - startedAt.getTime(),
            timings: {
              ...(renderingSince === undefined ? {} : { queuedMs: renderingSince - submitted }),
              runningMs: now - (renderingSince ?? submitted),
              totalMs: now - startedAt.getTime(),
            },
            sources: { ...sources, api },
          })
          progress(options, scope, 'completed')
          return result
        }
      }
    }
  }

  /** The request's shape and the call options, checked before anything is read or sent. */
  function validateCall(request: unknown, options: unknown): void {
    validateRequest(request, { provider: PROVIDER, modelId })
    validateCallOptions(options, { provider: PROVIDER, modelId })
  }

  /** Stops a running project after an abort or a deadline, then reports why. */
  async function abortRunning(api: MagicHourApi, projectId: string, scope: CallScope): Promise<PortraitAnimatorError> {
    const problem = await cancelQuietly(api, projectId)
    const detail = problem === undefined ? `Magic Hour project ${projectId} was cancelled` : `cancelling Magic Hour project ${projectId} failed (${problem})`
    return abortedError(scope.signal, modelId, true, detail)
  }

  return {
    specificationVersion: 'v1',
    provider: PROVIDER,
    modelId,
    capabilities: model.capabilities,

    async animate(request, options = {}) {
      validateCall(request, options)
      const scope = createCallScope(options)
      const startedAt = new Date(scope.startedAt)
      try {
        const { parsed } = await submit(request, options, scope)
        try {
          return await follow(parsed, options, scope, startedAt)
        } catch (error) {
          throw settle(error, scope, true)
        }
      } finally {
        scope.end()
      }
    },

    async start(request, options = {}) {
      validateCall(request, options)
      const scope = createCallScope(options)
      try {
        return (await submit(request, options, scope)).handle
      } finally {
        scope.end()
      }
    },

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

function handleDataOf(submission: Submission) {
  return {
    warnings: submission.warnings,
    estimate: submission.estimate,
    ...(submission.durationSeconds === undefined ? {} : { durationSeconds: submission.durationSeconds }),
  }
}

/** `strict: true`: a setting that would not be honoured exactly fails before anything is sent. */
function failOnWarnings(warnings: readonly Warning[], modelId: string): void {
  const first = warnings[0]
  if (first === undefined) return
  throw new PortraitAnimatorError({
    kind: first.type === 'clamped' ? 'invalid_input' : 'unsupported',
    message: `Strict mode: ${first.message}${warnings.length > 1 ? ` (and ${warnings.length - 1} more)` : ''}`,
    provider: PROVIDER,
    modelId,
    ...(first.setting === undefined ? {} : { field: first.setting }),
    rule: 'strict',
    accepted: false,
  })
}
