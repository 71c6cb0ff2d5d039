import {
  PortraitAnimatorError,
  adaptivePollSchedule,
  enforceStrict,
  fixedPollSchedule,
  toPortraitAnimatorError,
  type AnimationRequest,
  type AnimationResult,
  type HttpClient,
  type JobDriver,
  type JobDurations,
  type PollSchedule,
  type ProgressPhase,
} from '@portrait-animator/core'
import { abortedError } from './magichour-abort.js'
import type { MagicHourApi } from './magichour-api.js'
import { projectCanceled, projectFailure } from './magichour-errors.js'
import { uploadAssets } from './magichour-inputs.js'
import { createHandle, parseHandle, type ParsedHandle } from './magichour-job-handle.js'
import { PROVIDER } from './magichour-limits.js'
import type { MagicHourModel, Submission } from './magichour-model.js'
import { completedResult, stateOf } from './magichour-result.js'
import type { MagicHourProject } from './magichour-schemas.js'
import type { ResolvedSettings } from './magichour-settings.js'
import type { MagicHourUploads } from './magichour-uploads.js'

/** Consecutive failed status checks (5xx, 429, lost connections) tolerated while a project runs. */
const MAX_POLL_FAILURES = 5

/** Longest extra wait a `Retry-After` on a status check may impose. */
const MAX_POLL_BACKOFF_MS = 60_000

/** Status checks allowed per second of a project (the SDK's own default rate, 0.5 s). */
const MAX_STATUS_PER_SECOND = 2

/** A created project being followed. */
export interface MagicHourJob {
  readonly api: MagicHourApi
  readonly parsed: ParsedHandle
  /** When the create call answered (ms): the origin of the job times polling learns from. */
  readonly acceptedAt: number
}

/** What one call's driver is built from. */
export interface MagicHourCall {
  readonly model: MagicHourModel
  readonly settings: ResolvedSettings
  readonly api: () => MagicHourApi
  readonly request: AnimationRequest
  /** When the call started (ms). */
  readonly startedAt: number
  readonly durations: JobDurations
  readonly sources: { readonly http: HttpClient; readonly isAllowedHost: (url: string) => boolean; readonly uploads: MagicHourUploads }
  readonly progress: (phase: ProgressPhase, message?: string) => void
}

/** How far a submit got: decides `accepted` when it fails. */
type Stage = 'preparing' | 'creating'

/**
 * The Magic Hour side of the shared job runtime for one call: upload and create, status checks of
 * `GET /v1/video-projects/{id}` (transient failures tried again, up to 5 in a row), cancel by
 * `DELETE`, and the result of a completed project. Polling is adaptive unless `pollIntervalMs` is
 * set: sparse early, every 150 ms near the end expected from this process's recent projects.
 */
export function magicHourJobDriver(call: MagicHourCall): JobDriver<MagicHourJob, MagicHourProject, AnimationResult> {
  const { model, settings } = call
  const modelId = model.modelId
  let renderingSince: number | undefined
  return {
    submit: (signal, submitting) => submitProject(call, signal, submitting),
    async status(job, signal) {
      let project: MagicHourProject
      try {
        project = await job.api.getProject(job.parsed.projectId, { signal, modelId })
      } catch (error) {
        throw toPortraitAnimatorError(error, { provider: PROVIDER, modelId })
      }
      const state = stateOf(project)
      if (state === 'queued' || state === 'running') {
        if (state === 'running') renderingSince ??= Date.now()
        call.progress(state, `Magic Hour project ${job.parsed.projectId} is ${project.status}.`)
        return { done: false }
      }
      return { done: true, value: project }
    },
    async result(job, project) {
      const state = stateOf(project)
      if (state === 'error') throw projectFailure(project, modelId)
      if (state === 'canceled') throw projectCanceled(project, modelId)
      const now = Date.now()
      const submitted = job.parsed.submittedAt.getTime()
      // From the create answer, the same origin the poll schedule counts from (not the request's start).
      call.durations.record(now - job.acceptedAt)
      const result = completedResult(project, {
        modelId,
        handleData: job.parsed.data,
        usdPerCredit: settings.usdPerCredit,
        startedAt: new Date(call.startedAt).toISOString(),
        durationMs: now - call.startedAt,
        timings: {
          ...(renderingSince === undefined ? {} : { queuedMs: renderingSince - submitted }),
          runningMs: now - (renderingSince ?? submitted),
          totalMs: now - call.startedAt,
        },
        sources: { ...call.sources, modelId, api: job.api },
      })
      call.progress('completed')
      return result
    },
    async cancel(job, signal) {
      await job.api.deleteProject(job.parsed.projectId, { signal, modelId })
      return undefined
    },
    pollSchedule: pollScheduleOf(settings, call.durations),
    retryStatus(error, failures) {
      const failure = toPortraitAnimatorError(error, { provider: PROVIDER, modelId })
      const transient = failure.kind === 'unavailable' || failure.kind === 'rate_limited' || failure.kind === 'timeout'
      return transient && failures <= MAX_POLL_FAILURES ? Math.min(MAX_POLL_BACKOFF_MS, failure.retryAfterMs ?? 0) : undefined
    },
    abortError(signal, { job, cancel }) {
      const projectId = job.parsed.projectId
      const detail = cancel.confirmed ? `Magic Hour project ${projectId} was cancelled` : `cancelling Magic Hour project ${projectId} failed (${messageOf(cancel.error)})`
      return abortedError(signal, modelId, true, detail)
    },
    announceFailed(error, { job }) {
      return new PortraitAnimatorError({
        kind: 'provider_error',
        message: `onJobStarted failed, so Magic Hour project ${job.parsed.projectId} was cancelled: ${messageOf(error)}`,
        provider: PROVIDER,
        modelId,
        requestId: job.parsed.projectId,
        accepted: true,
        cause: error,
      })
    },
  }
}

/** A fixed interval when `pollIntervalMs` is set; otherwise adaptive within 2 checks per job-second. */
function pollScheduleOf(settings: ResolvedSettings, durations: JobDurations): PollSchedule {
  if (settings.pollIntervalMs !== undefined) return fixedPollSchedule(settings.pollIntervalMs)
  return adaptivePollSchedule({ maxPerSecond: MAX_STATUS_PER_SECOND, expected: () => ({ expectedMs: durations.expectedMs(), earliestMs: durations.earliestMs() }) })
}

/** Validates, uploads and creates the project; the error says how far it got. */
async function submitProject(call: MagicHourCall, signal: AbortSignal, submitting: () => Promise<void>): Promise<{ job: MagicHourJob; handle: ReturnType<typeof createHandle> }> {
  const modelId = call.model.modelId
  let stage: Stage = 'preparing'
  try {
    signal.throwIfAborted()
    call.progress('validating')
    const api = call.api()
    const submission = await call.model.prepare(call.request, { signal, settings: call.settings })
    enforceStrict(call.request, submission.warnings, { provider: PROVIDER, modelId })
    const context = { signal, modelId }
    if (submission.assets.some((asset) => asset.kind === 'media')) call.progress('uploading')
    const paths = await uploadAssets(submission.assets, { api, http: call.sources.http, call: context, isAllowedHost: call.sources.isAllowedHost, uploads: call.sources.uploads })
    call.progress('submitting')
    await submitting()
    signal.throwIfAborted()
    stage = 'creating'
    const submittedAt = new Date()
    const project = await submission.create(paths, api, context)
    const handle = createHandle(modelId, project.id, submittedAt, handleDataOf(submission))
    return { job: { api, parsed: parseHandle(handle, modelId), acceptedAt: Date.now() }, handle }
  } catch (error) {
    if (signal.aborted) throw abortedError(signal, modelId, stage === 'preparing' ? false : 'unknown')
    throw toPortraitAnimatorError(error, { provider: PROVIDER, modelId })
  }
}

function handleDataOf(submission: Submission) {
  return {
    warnings: submission.warnings,
    estimate: submission.estimate,
    ...(submission.durationSeconds === undefined ? {} : { durationSeconds: submission.durationSeconds }),
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
