import {
  createBytesOutput,
  PortraitAnimatorError,
  toPortraitAnimatorError,
  type AnimationRequest,
  type AnimationResult,
  type CallOptions,
  type PortraitAnimator,
  type ProgressPhase,
  type Warning,
  withDeadline,
  validateCallOptions,
  validateRequest,
} from '@portrait-animator/core/light'
import { loadHumanRuntime } from './human-runtime.js'
import { LOCAL_WARP_CAPABILITIES } from './local-capabilities.js'
import { invalidInput, LOCAL_MODEL_ID, LOCAL_PROVIDER, LOCAL_TARGET } from './local-errors.js'
import { loadImage } from './load-image.js'
import { cacheKey, createOutputCache } from './output-cache.js'
import { planRequest, type PlanDefaults } from './plan-request.js'
import type { RenderedAnimation, RenderPlan } from './render-animation.js'
import type { EncoderPreference } from './encoder-choice.js'
import { createRenderPool, type PoolJobOptions, type PoolRenderResult } from './render-pool.js'
import { checkLimits } from './render-frames.js'

/** Settings of the mesh-warp animator (see `createLocal`). */
export interface LocalWarpSettings extends PlanDefaults {
  readonly cacheDir?: string | undefined
  /** Worker threads rendering clips; 0 renders on the calling thread. */
  readonly workers?: number | undefined
  /** The H.264 encoder of MP4s. */
  readonly encoder?: EncoderPreference | undefined
  /** A face analysis cache folder (see `createFaceAnalysisCache`); none when undefined. */
  readonly faceCacheDir?: string | undefined
}

/**
 * The offline animator: face landmarks with Human, a triangle-mesh warp, MP4/WebP/JPEG/PNG output.
 * Runs on this machine with no key and no network.
 */
export function createLocalWarpAnimator(settings: LocalWarpSettings): PortraitAnimator {
  const cache = settings.cacheDir === undefined ? undefined : createOutputCache(settings.cacheDir)
  const { faceCacheDir } = settings
  const pool = (settings.workers ?? 0) > 0 ? createRenderPool({ size: settings.workers!, encoder: settings.encoder, faceCacheDir }) : undefined
  /**
   * Renders in the pool, or on this thread without one. With a face cache the models load only
   * when a photo is not in it (that time then counts in `detectMs`), else before rendering.
   */
  const render = async (image: Uint8Array, plan: RenderPlan, limits: PoolJobOptions): Promise<PoolRenderResult> => {
    if (pool !== undefined) return pool.render(image, plan, limits)
    // Imported on first use: with a pool, this thread never renders.
    const renderModule = import('./render-animation.js')
    const loadStarted = performance.now()
    if (faceCacheDir === undefined) await loadHumanRuntime()
    const modelLoadMs = performance.now() - loadStarted
    const { renderAnimation } = await renderModule
    checkLimits(limits)
    return { rendered: await renderAnimation(image, plan, { ...limits, encoder: settings.encoder, faceCacheDir }), modelLoadMs }
  }
  return {
    specificationVersion: 'v1',
    provider: LOCAL_PROVIDER,
    modelId: LOCAL_MODEL_ID,
    capabilities: LOCAL_WARP_CAPABILITIES,
    estimateCost: () => ({ usd: 0, credits: 0, basis: 'estimated', note: 'Runs on this machine.' }),
    async animate(request: AnimationRequest, options: CallOptions = {}): Promise<AnimationResult> {
      validateRequest(request, { provider: LOCAL_PROVIDER, modelId: LOCAL_MODEL_ID })
      validateCallOptions(options, { provider: LOCAL_PROVIDER, modelId: LOCAL_MODEL_ID })
      const started = performance.now()
      const startedAt = new Date().toISOString()
      const signal = combinedSignal(options)
      const deadline = options.timeoutMs === undefined ? undefined : started + options.timeoutMs
      const report = (phase: ProgressPhase, progress: number): void => {
        try {
          options.onProgress?.({ target: LOCAL_TARGET, phase, progress, elapsedMs: performance.now() - started })
        } catch {
          // A failing progress listener must not break the render.
        }
      }
      try {
        report('validating', 0)
        // The first clip's worker starts and loads its models while the photo is read.
        pool?.warm()
        checkLimits({ signal, deadline })
        const { plan, warnings } = planRequest(request, settings)
        failIfStrict(request, warnings)
        const image = await loadImage(request.image, LOCAL_WARP_CAPABILITIES.inputs.image, { signal })
        const key = cache === undefined ? undefined : cacheKey(image.bytes, plan)
        let rendered: RenderedAnimation | undefined = key === undefined ? undefined : await cache?.read(key, plan.format)
        const cached = rendered !== undefined
        let modelLoadMs = 0
        if (rendered === undefined) {
          report('rendering', 0)
          ;({ rendered, modelLoadMs } = await render(image.bytes, plan, { signal, deadline, onProgress: report }))
          if (cache !== undefined && key !== undefined) await cache.write(key, rendered)
        }
        const requestedSide = request.output?.maxSide
        if (requestedSide !== undefined && Math.max(rendered.width, rendered.height) < Math.min(requestedSide, plan.maxSide) - 1) {
          warnings.push({
            type: 'clamped',
            setting: 'output.maxSide',
            provider: LOCAL_PROVIDER,
            message: `The output is ${rendered.width}x${rendered.height}: the photo is not upscaled to ${requestedSide} px.`,
          })
          failIfStrict(request, warnings)
        }
        const totalMs = performance.now() - started
        report('completed', 1)
        return {
          output: createBytesOutput({
            kind: rendered.kind,
            format: rendered.format,
            bytes: rendered.bytes,
            width: rendered.width,
            height: rendered.height,
            ...(rendered.kind === 'video' ? { durationSeconds: rendered.durationSeconds, fps: rendered.fps } : {}),
            provider: LOCAL_PROVIDER,
            modelId: LOCAL_MODEL_ID,
          }),
          servedBy: { provider: LOCAL_PROVIDER, modelId: LOCAL_MODEL_ID, target: LOCAL_TARGET },
          attempts: [
            { target: LOCAL_TARGET, provider: LOCAL_PROVIDER, modelId: LOCAL_MODEL_ID, outcome: 'succeeded', attempt: 1, startedAt, durationMs: totalMs, accepted: true },
          ],
          warnings: [...warnings, ...rendered.warnings],
          cost: { usd: 0, credits: 0, basis: 'charged', note: 'Rendered on this machine.' },
          timings: { runningMs: totalMs - modelLoadMs, totalMs },
          providerMetadata: {
            [LOCAL_PROVIDER]: {
              faces: rendered.faces,
              ...(rendered.faceBox === undefined ? {} : { faceBox: rendered.faceBox }),
              frames: rendered.frameCount,
              cached,
              ...(rendered.encoder === undefined ? {} : { encoder: rendered.encoder }),
              ...(rendered.faceCache === undefined ? {} : { faceCache: rendered.faceCache }),
              modelLoadMs,
              ...rendered.timings,
            },
          },
        }
      } catch (error) {
        if (signal?.aborted && !PortraitAnimatorError.isInstance(error)) {
          throw toPortraitAnimatorError(signal.reason, { provider: LOCAL_PROVIDER, modelId: LOCAL_MODEL_ID })
        }
        throw toPortraitAnimatorError(error, { provider: LOCAL_PROVIDER, modelId: LOCAL_MODEL_ID })
      }
    },
  }
}

/** With `strict`, the first warning becomes an `invalid_input` error. */
function failIfStrict(request: AnimationRequest, warnings: readonly Warning[]): void {
  const first = warnings[0]
  if (request.strict !== true || first === undefined) return
  throw invalidInput(first.setting ?? 'request', 'strict', `${first.message} (strict mode turns this warning into an error)`)
}

function combinedSignal(options: CallOptions): AbortSignal | undefined {
  if (options.timeoutMs === undefined) return options.signal
  // withDeadline, not AbortSignal.any + AbortSignal.timeout: see its note on garbage collection.
  return withDeadline(options.signal, options.timeoutMs).signal
}
