import {
  PortraitAnimatorError,
  redact,
  type AnimationRequest,
  type AnimationResult,
  type CallOptions,
  type HttpClient,
  type JobHandle,
  type JobStatus,
  type JsonValue,
  type PortraitAnimator,
  runJob,
  startJob,
  withDeadline,
  validateCallOptions,
  validateRequest,
} from '@portrait-animator/core'
import { settleOnAbort } from './fal-call.js'
import { BUNDLED_DRIVING_CLIP, readBundledDrivingClip, type DrivingClipUploads } from './fal-driving-clip.js'
import { falAbortError } from './fal-errors.js'
import { createFalJobHandle, readFalJobHandle, type FalJobData } from './fal-job-handle.js'
import { falJobDriver, type FalStreamSupport, type FalSubmittedJob } from './fal-job-driver.js'
import { FalJobTracker } from './fal-job-tracker.js'
import { prepareFalMedia, toUploadFile, type FalPreparedMedia } from './fal-media.js'
import type { FalUploads } from './fal-uploads.js'
import type { FalMediaField, FalModelDefinition, FalRequestPlan } from './fal-model.js'
import type { FalJobReference, FalQueue } from './fal-queue.js'
import { buildFalResult, falJobResultParts } from './fal-result.js'
import type { ResolvedFalSettings } from './fal-settings.js'

/** What the animators of one `createFal` instance share. */
export interface FalRuntime {
  readonly settings: ResolvedFalSettings
  readonly queue: FalQueue
  /** Downloads outputs (no key is ever sent with them). */
  readonly http: HttpClient
  readonly streamSupport: FalStreamSupport
  readonly drivingClipUploads: DrivingClipUploads
  /** Inputs uploaded to fal storage, once each, within the concurrency cap. */
  readonly uploads: FalUploads
  /** Where the bundled driving clip is read from. @default the package's `assets/` */
  readonly drivingClipLocation?: URL
}

/**
 * A `PortraitAnimator` for one fal model on fal's queue: `animate` submits, follows the job
 * (reporting queue position and logs) and returns the result; `start`/`status`/`cancel` expose the
 * job with a plain-JSON handle that works in a fresh process.
 */
export function createFalAnimator(definition: FalModelDefinition, runtime: FalRuntime): PortraitAnimator {
  const { modelId, endpointId } = definition
  const target = `fal/${modelId}`
  const { settings, queue } = runtime

  function requireKey(): void {
    if (settings.apiKey) return
    throw new PortraitAnimatorError({
      kind: 'auth',
      message: 'FAL_KEY is not set: pass apiKey to createFal, or set FAL_KEY (or FAL_KEY_ID and FAL_KEY_SECRET).',
      provider: 'fal',
      modelId,
      accepted: false,
    })
  }

  async function submit(request: AnimationRequest, signal: AbortSignal, tracker: FalJobTracker, submitting: () => Promise<void>): Promise<{ job: FalSubmittedJob; handle: JobHandle }> {
    tracker.phase('validating')
    const plan = definition.plan(request)
    const prepared: (FalPreparedMedia | 'bundled')[] = []
    for (const media of plan.media) prepared.push(await prepare(media, signal))
    requireKey()
    const urls: Record<string, string> = {}
    for (const [index, media] of plan.media.entries()) {
      urls[media.falField] = await upload(media, prepared[index] ?? 'bundled', signal, tracker)
    }
    tracker.phase('submitting')
    await submitting()
    signal.throwIfAborted()
    const input: Record<string, JsonValue> = { ...urls, ...plan.fields }
    const { requestId } = await queue.submit(endpointId, { modelId, input, signal })
    const submittedAt = new Date()
    tracker.submitted(submittedAt.getTime())
    const data = jobData(plan)
    return {
      handle: createFalJobHandle({ modelId, requestId, submittedAt, ...data }),
      job: { reference: { modelId, endpointId, requestId }, data },
    }
  }

  function jobData(plan: FalRequestPlan): FalJobData {
    return {
      endpointId,
      outputKind: plan.output.kind,
      outputFormat: plan.output.format,
      warnings: plan.warnings,
      outputLifetimeSeconds: settings.outputLifetimeSeconds ?? null,
    }
  }

  async function prepare(media: FalMediaField, signal: AbortSignal | undefined): Promise<FalPreparedMedia | 'bundled'> {
    const roleLimits = media.role === 'image' ? definition.capabilities.inputs.image : definition.capabilities.inputs[media.role]
    const limits = roleLimits && media.maxDurationSeconds !== undefined ? { ...roleLimits, maxDurationSeconds: media.maxDurationSeconds } : roleLimits
    const common = { role: media.role, allowPrivateNetwork: settings.allowPrivateNetwork, signal, fetch: settings.fetch }
    if ('bundledDrivingClip' in media.source) {
      if (settings.drivingVideoUrl === undefined) return 'bundled'
      return prepareFalMedia(settings.drivingVideoUrl, { ...common, field: 'drivingVideoUrl', limits: limits ?? { formats: [] } })
    }
    if (!limits) throw new PortraitAnimatorError({ kind: 'unsupported', message: `fal/${modelId} takes no ${media.role} input.`, provider: 'fal', modelId, field: media.field })
    return prepareFalMedia(media.source.input, { ...common, field: media.field, limits })
  }

  async function upload(media: FalMediaField, prepared: FalPreparedMedia | 'bundled', signal: AbortSignal | undefined, tracker: FalJobTracker): Promise<string> {
    if (prepared !== 'bundled' && prepared.kind === 'url') return prepared.url
    const onAbort = (aborted: AbortSignal) => falAbortError(aborted, { modelId, operation: 'upload' })
    if (prepared === 'bundled') {
      tracker.phase('uploading', 'Uploading the live-photo driving clip to fal storage.')
      // Shared by concurrent calls, so not tied to one caller's signal; each caller still stops at once on abort.
      const shared = runtime.drivingClipUploads.get(async () => {
        const bytes = await readBundledDrivingClip(runtime.drivingClipLocation ?? BUNDLED_DRIVING_CLIP)
        return runtime.uploads.limit(() => queue.upload(toUploadFile({ bytes, fileName: 'live-photo-driving.mp4', mimeType: 'video/mp4' }), { modelId }))
      })
      return settleOnAbort(shared, signal, onAbort)
    }
    tracker.phase('uploading', `Uploading ${media.field} to fal storage.`)
    return runtime.uploads.url(prepared.media, { modelId, signal })
  }

  /** The request's shape and the call options, checked before anything is read or sent. */
  function validateCall(request: AnimationRequest, options: CallOptions): void {
    validateRequest(request, { provider: 'fal', modelId })
    validateCallOptions(options, { provider: 'fal', modelId })
  }

  /** The shared job runtime's driver for one call. */
  function driver(request: AnimationRequest, options: CallOptions, startedAt: Date) {
    const tracker = new FalJobTracker({ target, startedAt: startedAt.getTime(), onProgress: options.onProgress })
    return falJobDriver({
      definition,
      settings,
      queue,
      http: runtime.http,
      streamSupport: runtime.streamSupport,
      tracker,
      startedAt,
      submit: (signal, submitting) => submit(request, signal, tracker, submitting),
    })
  }

  /** What the job runtime takes from the call options, with fal's cancel timeout. */
  function jobOptions(options: CallOptions) {
    return { ...options, cancelTimeoutMs: settings.cancelTimeoutMs }
  }

  return {
    specificationVersion: 'v1',
    provider: 'fal',
    modelId,
    capabilities: definition.capabilities,

    async animate(request: AnimationRequest, options: CallOptions = {}): Promise<AnimationResult> {
      validateCall(request, options)
      return runJob(driver(request, options, new Date()), jobOptions(options))
    },

    async start(request: AnimationRequest, options: CallOptions = {}): Promise<JobHandle> {
      validateCall(request, options)
      return startJob(driver(request, options, new Date()), jobOptions(options))
    },

    async status(handle: JobHandle, options: CallOptions = {}): Promise<JobStatus> {
      const data = readFalJobHandle(handle, definition)
      requireKey()
      const { signal, end } = callSignal(options)
      try {
        return await statusOf(data, signal)
      } finally {
        end()
      }
    },

    async cancel(handle: JobHandle, options: CallOptions = {}): Promise<void> {
      const data = readFalJobHandle(handle, definition)
      requireKey()
      const { signal, end } = callSignal(options)
      try {
        await queue.cancel({ modelId, endpointId, requestId: data.requestId }, signal)
      } finally {
        end()
      }
    },

    // fal publishes per-second prices for its talking-avatar models; not for LivePortrait and
    // SadTalker (their pages show "$0 per compute seconds"), where no estimate beats an invented one.
    estimateCost: (request: AnimationRequest) => definition.estimateCost?.(request),
  }

  /** One status check of a job: pending, failed, or completed with its result. */
  async function statusOf(data: ReturnType<typeof readFalJobHandle>, signal: AbortSignal | undefined): Promise<JobStatus> {
    const job: FalJobReference = { modelId, endpointId, requestId: data.requestId }
    const status = await queue.status(job, signal)
    const logs = (status.logs ?? []).map((log) => redact(log.message))
    if (status.status !== 'COMPLETED') {
      return {
        state: 'pending',
        phase: status.status === 'IN_QUEUE' ? 'queued' : 'running',
        ...(status.queue_position === undefined ? {} : { queuePosition: status.queue_position }),
        ...(logs.length > 0 ? { logs } : {}),
      }
    }
    const outcome = await queue.result(job, signal)
    if (!outcome.ok) {
      const error = outcome.error
      return { state: 'failed', errorKind: error.kind, message: error.message, ...(error.providerCode ? { providerCode: error.providerCode } : {}) }
    }
    const completedAt = new Date()
    const inference = status.metrics?.inference_time ?? undefined
    const totalMs = Math.max(0, completedAt.getTime() - data.submittedAt.getTime())
    const result = buildFalResult({
      ...falJobResultParts({ modelId, requestId: data.requestId, data }, definition, outcome.data, settings),
      completedAt,
      startedAt: data.submittedAt,
      timings: inference === undefined ? { totalMs } : { runningMs: Math.round(inference * 1000), totalMs },
      inferenceSeconds: inference,
      logs,
      http: runtime.http,
    })
    return { state: 'completed', result }
  }
}

/**
 * The caller's signal combined with the call's deadline (`timeoutMs`), whose reason reads as a
 * timeout, and `end()` to call when the call ends: it lets go of the caller's signal, which may be
 * shared by many calls (a `resume` polling every job).
 */
function callSignal(options: CallOptions): { readonly signal: AbortSignal | undefined; end(): void } {
  if (options.timeoutMs === undefined) return { signal: options.signal, end: () => undefined }
  // withDeadline, not AbortSignal.any + AbortSignal.timeout: see its note on garbage collection.
  const deadline = withDeadline(options.signal, options.timeoutMs)
  return { signal: deadline.signal, end: () => deadline.clear() }
}
