import { abortError } from '@portrait-animator/core/light'
import { LOCAL_MODEL_ID, LOCAL_PROVIDER, localError } from './local-errors.js'
import type { FaceState } from './motion-curves.js'
import type { PreparedPortrait } from './prepare-portrait.js'

/** Limits on a render loop. */
export interface RenderLoopOptions {
  readonly signal?: AbortSignal | undefined
  /** `performance.now()` time after which the loop fails with a `timeout` error. */
  readonly deadline?: number | undefined
  /** Called after each frame with the fraction done. */
  readonly onFrame?: ((done: number, total: number) => void) | undefined
}

/**
 * Renders one frame per state and hands each to `consume` as RGBA. The same buffer is reused for
 * every frame: copy it if you keep it. Between frames the loop yields to the event loop, so an
 * abort or a deadline stops it promptly.
 */
export async function renderFrames(
  portrait: PreparedPortrait,
  states: readonly FaceState[],
  consume: (frame: Uint8Array, index: number) => void | Promise<void>,
  options: RenderLoopOptions = {},
): Promise<void> {
  const vertexCount = portrait.mesh.xs.length
  const sourceX = new Float64Array(vertexCount)
  const sourceY = new Float64Array(vertexCount)
  const frame = portrait.warp.createFrameBuffer()
  for (let index = 0; index < states.length; index++) {
    checkLimits(options)
    portrait.deformer.sample(states[index]!, index / states.length, sourceX, sourceY)
    portrait.warp.render(sourceX, sourceY, frame)
    portrait.deformer.paint?.(frame, portrait.width, portrait.height)
    await consume(frame, index)
    options.onFrame?.(index + 1, states.length)
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
  checkLimits(options)
}

/** Throws `cancelled` (or `timeout`) when the signal fired, `timeout` when past the deadline. */
export function checkLimits(options: Pick<RenderLoopOptions, 'signal' | 'deadline'>): void {
  if (options.signal?.aborted) throw abortError(options.signal, { provider: LOCAL_PROVIDER, modelId: LOCAL_MODEL_ID })
  if (options.deadline !== undefined && performance.now() > options.deadline) {
    throw localError({ kind: 'timeout', message: 'Rendering passed its deadline.' })
  }
}
