import type { Framing, OutputFormat, OutputKind, ProgressPhase, Warning } from '@portrait-animator/core'
import type { FaceBox } from './face-landmarks.js'
import type { FaceState } from './motion-curves.js'
import { createClipEncoder, type EncoderName, type EncoderPreference } from './encoder-choice.js'
import { preparePortrait, type NoFaceBehaviour, type PreparedPortrait } from './prepare-portrait.js'
import { checkLimits, renderFrames } from './render-frames.js'
import { encodeStill } from './still-encoder.js'
import { encodeAnimatedWebp } from './webp-encoder.js'

/** Everything needed to render one output. */
export interface RenderPlan {
  readonly kind: OutputKind
  readonly format: OutputFormat
  /** One state per frame (one state for a still). */
  readonly states: readonly FaceState[]
  readonly fps: number
  readonly maxSide: number
  readonly framing: Framing
  readonly noFace: NoFaceBehaviour
}

/** A rendered output and what went into it. */
export interface RenderedAnimation {
  readonly kind: OutputKind
  readonly format: OutputFormat
  readonly bytes: Uint8Array
  readonly width: number
  readonly height: number
  readonly frameCount: number
  /** Video only. */
  readonly fps?: number
  /** Video only. */
  readonly durationSeconds?: number
  /** Number of faces found in the photo. */
  readonly faces: number
  /** The animated face in output pixels. */
  readonly faceBox?: FaceBox
  readonly warnings: readonly Warning[]
  /** MP4 only: the H.264 encoder that wrote it. */
  readonly encoder?: EncoderName
  /** With a face analysis cache: whether it answered (`hit`: no face model ran). */
  readonly faceCache?: 'hit' | 'miss'
  readonly timings: { readonly decodeMs: number; readonly detectMs: number; readonly prepareMs: number; readonly renderMs: number; readonly encodeMs: number }
}

/** Limits and reporting for one render. */
export interface RenderOptions {
  readonly signal?: AbortSignal | undefined
  readonly deadline?: number | undefined
  readonly onProgress?: ((phase: ProgressPhase, progress: number) => void) | undefined
  /** Receives a copy of every rendered frame (RGBA), e.g. for tests or quality reports. */
  readonly onFrame?: ((frame: Uint8Array, index: number, portrait: PreparedPortrait) => void) | undefined
  /** Which H.264 encoder writes MP4s (see `EncoderPreference`). @default 'auto' */
  readonly encoder?: EncoderPreference | undefined
  /** A face analysis cache folder (see `createFaceAnalysisCache`); none when undefined. */
  readonly faceCacheDir?: string | undefined
}

/** Prepares the photo, renders every frame of `plan` and encodes them. */
export async function renderAnimation(image: Uint8Array, plan: RenderPlan, options: RenderOptions = {}): Promise<RenderedAnimation> {
  const portrait = await preparePortrait(image, { maxSide: plan.maxSide, framing: plan.framing, noFace: plan.noFace, faceCacheDir: options.faceCacheDir })
  checkLimits(options)
  const { width, height } = portrait
  const frameCount = plan.states.length
  let encodeMs = 0
  const renderStarted = performance.now()
  const progress = options.onProgress
  const loop = {
    signal: options.signal,
    deadline: options.deadline,
    onFrame: (done: number, total: number) => progress?.('rendering', done / total),
  }
  const timed = async <T>(task: () => T | Promise<T>): Promise<T> => {
    const started = performance.now()
    try {
      return await task()
    } finally {
      encodeMs += performance.now() - started
    }
  }
  const share = (frame: Uint8Array, index: number): void => options.onFrame?.(Uint8Array.from(frame), index, portrait)
  let bytes: Uint8Array
  let encoderName: EncoderName | undefined
  const warnings = [...portrait.warnings]

  if (plan.kind === 'image') {
    let still: Uint8Array | undefined
    await renderFrames(portrait, plan.states.slice(0, 1), (frame, index) => {
      share(frame, index)
      still = Uint8Array.from(frame)
    }, loop)
    progress?.('encoding', 0)
    const started = performance.now()
    bytes = await encodeStill(still!, width, height, plan.format === 'png' ? 'png' : plan.format === 'webp' ? 'webp' : 'jpeg')
    encodeMs += performance.now() - started
  } else if (plan.format === 'webp') {
    const frames = new Uint8Array(width * height * 4 * frameCount)
    await renderFrames(portrait, plan.states, (frame, index) => {
      share(frame, index)
      frames.set(frame, index * width * height * 4)
    }, loop)
    progress?.('encoding', 0)
    const started = performance.now()
    bytes = await encodeAnimatedWebp({ frames, frameCount, width, height, fps: plan.fps })
    encodeMs += performance.now() - started
  } else {
    const encoder = await createClipEncoder({ width, height, fps: plan.fps, preference: options.encoder, signal: options.signal })
    encoderName = encoder.name
    warnings.push(...encoder.warnings)
    try {
      await renderFrames(portrait, plan.states, async (frame, index) => {
        share(frame, index)
        // Only the warp's region changes from frame to frame: the encoder converts just that.
        await timed(() => encoder.addFrame(frame, portrait.warp.bounds))
      }, loop)
      progress?.('encoding', 0)
      bytes = await timed(() => encoder.finish())
    } catch (error) {
      await encoder.dispose()
      throw error
    }
  }
  checkLimits(options)
  progress?.('encoding', 1)
  const video = plan.kind === 'video'
  return {
    kind: plan.kind,
    format: plan.format,
    bytes,
    width,
    height,
    frameCount: video ? frameCount : 1,
    ...(video ? { fps: plan.fps, durationSeconds: frameCount / plan.fps } : {}),
    faces: portrait.faces.length,
    ...(portrait.faceBox === undefined ? {} : { faceBox: portrait.faceBox }),
    warnings,
    ...(encoderName === undefined ? {} : { encoder: encoderName }),
    ...(portrait.faceCache === undefined ? {} : { faceCache: portrait.faceCache }),
    timings: { ...portrait.timings, renderMs: performance.now() - renderStarted - encodeMs, encodeMs },
  }
}
