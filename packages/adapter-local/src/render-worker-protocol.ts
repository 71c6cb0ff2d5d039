import type { ProgressPhase } from '@portrait-animator/core'
import type { EncoderPreference } from './encoder-choice.js'
import type { RenderedAnimation, RenderPlan } from './render-animation.js'

/** What a render worker is started with (its `workerData`). */
export interface RenderWorkerData {
  /** The face analysis cache folder; none when undefined. */
  readonly faceCacheDir?: string | undefined
}

/** Messages from the pool to a render worker. */
export type WorkerRequest =
  | { readonly type: 'warm' }
  | {
      readonly type: 'render'
      readonly id: number
      readonly image: Uint8Array
      readonly plan: RenderPlan
      /** Milliseconds left before the job's deadline (clocks differ between threads). */
      readonly remainingMs?: number | undefined
      readonly encoder?: EncoderPreference | undefined
    }
  | { readonly type: 'cancel'; readonly id: number }

/** Messages from a render worker to the pool. */
export type WorkerReply =
  | { readonly type: 'progress'; readonly id: number; readonly phase: ProgressPhase; readonly progress: number }
  | { readonly type: 'done'; readonly id: number; readonly rendered: RenderedAnimation; readonly modelLoadMs: number }
  /** `error` is a `PortraitAnimatorError`'s `toJSON()`. */
  | { readonly type: 'failed'; readonly id: number; readonly error: Record<string, unknown> }
