import { PortraitAnimatorError, type PortraitAnimatorErrorOptions } from '../errors/index.js'
import { createBytesOutput } from '../output/index.js'
import { sleep } from '../runtime/index.js'
import type {
  AnimationRequest,
  AnimationResult,
  CallOptions,
  Capabilities,
  Cost,
  CostEstimate,
  JobHandle,
  JobStatus,
  PortraitAnimator,
  Warning,
} from '../spec/index.js'

/** Succeed, after an optional delay, with a small fake output. */
export interface SucceedStep {
  readonly type: 'succeed'
  readonly delayMs?: number
  readonly warnings?: readonly Warning[]
  readonly cost?: Cost
  /** Output bytes; default `FAKE-MP4` (or `FAKE-IMAGE` for image output). */
  readonly bytes?: Uint8Array
}
/** Fail with an error of the given kind, after an optional delay. */
export interface FailStep {
  readonly type: 'fail'
  readonly delayMs?: number
  readonly error: Omit<PortraitAnimatorErrorOptions, 'message'> & { readonly message?: string }
}
/** Never answer until the call is aborted. */
export interface HangStep {
  readonly type: 'hang'
}
/** An async job that reports `polls` pending states, then ends as `outcome` says. */
export interface JobStep {
  readonly type: 'job'
  /** Pending states returned by successive `status()` calls before the end. */
  readonly polls?: readonly ('queued' | 'running' | { readonly queuePosition: number })[]
  /** How the job ends. */
  readonly outcome?: SucceedStep | FailStep
  /** Fail the submission itself (the job is never created). */
  readonly submitError?: FailStep['error']
}
/** One scripted behaviour. */
export type ScriptStep = SucceedStep | FailStep | HangStep | JobStep

/** Options for `createScriptedAnimator`. */
export interface ScriptedAnimatorOptions {
  /** @default 'fake' */
  readonly provider?: string
  /** @default 'scripted' */
  readonly modelId?: string
  /** Overrides of the default capabilities (video + image, every motion, every preset, no jobs). */
  readonly capabilities?: Partial<Capabilities>
  /**
   * What successive calls do, in order; the last step repeats. A function decides per call.
   * @default [{ type: 'succeed' }]
   */
  readonly script?: readonly ScriptStep[] | ((request: AnimationRequest, call: number) => ScriptStep)
  /** Milliseconds between `status()` polls inside `animate()` for job steps. @default 1 */
  readonly pollIntervalMs?: number
  /** What `estimateCost` returns. */
  readonly estimate?: CostEstimate
}

/** A record of one call, for assertions. */
export interface ScriptedCall {
  readonly method: 'animate' | 'start' | 'status' | 'cancel'
  readonly request?: AnimationRequest
  readonly handle?: JobHandle
  readonly at: number
}

/** A `PortraitAnimator` whose behaviour is scripted, with a record of every call. */
export interface ScriptedAnimator extends PortraitAnimator {
  /** Every call made, in order. */
  readonly calls: ScriptedCall[]
  /** Number of submissions that created work (what a real provider would charge for). */
  readonly submissions: number
  /** Handles of jobs that were cancelled. */
  readonly cancelled: JobHandle[]
}

const ALL_CAPABILITIES: Capabilities = {
  outputs: ['video', 'image'],
  outputFormats: ['mp4', 'webp', 'jpeg', 'png'],
  motions: ['preset', 'expression', 'driving-video', 'audio'],
  presets: ['live-photo', 'nod', 'smile', 'blink', 'idle'],
  framings: ['head', 'full-body'],
  expressions: ['smile', 'blink', 'wink', 'eyebrow', 'pupilX', 'pupilY', 'aaa', 'eee', 'woo', 'pitch', 'yaw', 'roll'],
  jobs: false,
  cancel: false,
  webhooks: false,
  inputs: {
    image: { formats: ['jpeg', 'png', 'bmp', 'webp', 'gif'] },
    audio: { formats: ['wav', 'mp3', 'aac', 'm4a', 'flac', 'ogg'] },
    video: { formats: ['mp4', 'mov', 'webm'] },
  },
  offline: true,
  lifecycle: { status: 'active' },
}

interface JobState {
  readonly step: JobStep
  polls: number
  cancelled: boolean
  readonly request: AnimationRequest
}

/**
 * A scriptable fake that implements the spec, for router and application tests: sequences of
 * results, errors, delays, hangs and async job states, with every call recorded.
 *
 * @example
 * ```ts
 * const flaky = createScriptedAnimator({
 *   provider: 'fal',
 *   script: [{ type: 'fail', error: { kind: 'unavailable' } }, { type: 'succeed' }],
 * })
 * ```
 */
export function createScriptedAnimator(options: ScriptedAnimatorOptions = {}): ScriptedAnimator {
  const provider = options.provider ?? 'fake'
  const modelId = options.modelId ?? 'scripted'
  const target = `${provider}/${modelId}`
  const capabilities: Capabilities = { ...ALL_CAPABILITIES, ...options.capabilities }
  const script = options.script ?? [{ type: 'succeed' }]
  const pollIntervalMs = options.pollIntervalMs ?? 1
  const calls: ScriptedCall[] = []
  const cancelled: JobHandle[] = []
  const jobs = new Map<string, JobState>()
  let callCount = 0
  let submissions = 0

  function nextStep(request: AnimationRequest): ScriptStep {
    const index = callCount++
    if (typeof script === 'function') return script(request, index)
    const step = script[Math.min(index, script.length - 1)]
    if (!step) throw new Error('The script is empty.')
    return step
  }

  function error(options: FailStep['error']): PortraitAnimatorError {
    return new PortraitAnimatorError({ provider, modelId, message: `Scripted ${options.kind} failure.`, ...options })
  }

  function result(step: SucceedStep, request: AnimationRequest, startedAt: number): AnimationResult {
    const kind = request.output?.kind ?? (request.motion.type === 'expression' ? 'image' : 'video')
    const format = request.output?.format ?? (kind === 'image' ? 'jpeg' : 'mp4')
    const bytes = step.bytes ?? new TextEncoder().encode(kind === 'image' ? 'FAKE-IMAGE' : 'FAKE-MP4')
    const durationMs = Date.now() - startedAt
    return {
      output: createBytesOutput({ kind, format, bytes, width: 512, height: 512, provider, modelId, verify: false }),
      servedBy: { provider, modelId, target },
      attempts: [{ target, provider, modelId, outcome: 'succeeded', attempt: 1, startedAt: new Date(startedAt).toISOString(), durationMs, accepted: true }],
      warnings: step.warnings ?? [],
      ...(step.cost ? { cost: step.cost } : {}),
      timings: { totalMs: durationMs },
      providerMetadata: { [provider]: { call: callCount } },
    }
  }

  const animator: ScriptedAnimator = {
    specificationVersion: 'v1',
    provider,
    modelId,
    capabilities,
    calls,
    cancelled,
    get submissions() {
      return submissions
    },
    ...(options.estimate ? { estimateCost: () => options.estimate } : {}),

    async animate(request: AnimationRequest, callOptions: CallOptions = {}): Promise<AnimationResult> {
      calls.push({ method: 'animate', request, at: Date.now() })
      const startedAt = Date.now()
      const step = nextStep(request)
      const signal = callOptions.signal
      if (step.type === 'job') {
        const handle = await submitJob(step, request)
        await callOptions.onJobStarted?.(handle)
        for (;;) {
          if (signal?.aborted) {
            await animator.cancel?.(handle)
            throw aborted(signal)
          }
          const status = await pollJob(handle, request, startedAt)
          if (status.state === 'completed') return status.result
          if (status.state === 'failed') throw error({ kind: status.errorKind, message: status.message, accepted: true })
          callOptions.onProgress?.({ target, phase: status.phase, elapsedMs: Date.now() - startedAt, ...(status.queuePosition === undefined ? {} : { queuePosition: status.queuePosition }) })
          await sleep(pollIntervalMs, signal).catch(() => undefined)
        }
      }
      if (step.type === 'hang') {
        await sleep(Number.MAX_SAFE_INTEGER, signal).catch(() => undefined)
        throw aborted(signal)
      }
      await sleep(step.delayMs ?? 0, signal).catch(() => {
        throw aborted(signal)
      })
      if (step.type === 'fail') throw error(step.error)
      submissions++
      return result(step, request, startedAt)
    },
  }

  if (capabilities.jobs || (typeof script !== 'function' && script.some((step) => step.type === 'job'))) {
    Object.assign(animator, {
      async start(request: AnimationRequest): Promise<JobHandle> {
        calls.push({ method: 'start', request, at: Date.now() })
        const step = nextStep(request)
        if (step.type !== 'job') throw new Error(`start() needs a job step, the script has ${step.type}.`)
        return submitJob(step, request, false)
      },
      async status(handle: JobHandle): Promise<JobStatus> {
        calls.push({ method: 'status', handle, at: Date.now() })
        const job = jobs.get(handle.jobId)
        if (!job) throw error({ kind: 'provider_error', message: `Unknown job ${handle.jobId}.` })
        return pollJob(handle, job.request, Date.parse(handle.submittedAt), false)
      },
      async cancel(handle: JobHandle): Promise<void> {
        calls.push({ method: 'cancel', handle, at: Date.now() })
        const job = jobs.get(handle.jobId)
        if (job) job.cancelled = true
        cancelled.push(handle)
      },
    })
  }

  async function submitJob(step: JobStep, request: AnimationRequest, record = true): Promise<JobHandle> {
    if (record) calls.push({ method: 'start', request, at: Date.now() })
    if (step.submitError) throw error(step.submitError)
    submissions++
    const jobId = `job-${submissions}`
    jobs.set(jobId, { step, polls: 0, cancelled: false, request })
    return { specificationVersion: 'v1', provider, modelId, jobId, submittedAt: new Date().toISOString() }
  }

  async function pollJob(handle: JobHandle, request: AnimationRequest, startedAt: number, record = true): Promise<JobStatus> {
    if (record) calls.push({ method: 'status', handle, at: Date.now() })
    const job = jobs.get(handle.jobId)
    if (!job) throw error({ kind: 'provider_error', message: `Unknown job ${handle.jobId}.` })
    if (job.cancelled) return { state: 'failed', errorKind: 'cancelled', message: 'The job was cancelled.' }
    const polls = job.step.polls ?? []
    const pending = polls[job.polls++]
    if (pending !== undefined) {
      return typeof pending === 'string' ? { state: 'pending', phase: pending } : { state: 'pending', phase: 'queued', queuePosition: pending.queuePosition }
    }
    const outcome = job.step.outcome ?? { type: 'succeed' }
    if (outcome.type === 'fail') {
      return { state: 'failed', errorKind: outcome.error.kind, message: outcome.error.message ?? `Scripted ${outcome.error.kind} failure.`, ...(outcome.error.providerCode ? { providerCode: outcome.error.providerCode } : {}) }
    }
    return { state: 'completed', result: result(outcome, request, startedAt) }
  }

  function aborted(signal: AbortSignal | undefined): PortraitAnimatorError {
    const reason = signal?.reason as { name?: string } | undefined
    return error({ kind: reason?.name === 'TimeoutError' ? 'timeout' : 'cancelled', message: 'The call was aborted.' })
  }

  return animator
}
