import type { CallOptions } from './call-options.js'
import type { Capabilities } from './capabilities.js'
import type { CostEstimate } from './cost.js'
import type { JobHandle, JobStatus } from './job.js'
import type { AnimationRequest } from './request.js'
import type { AnimationResult } from './result.js'

/**
 * The one contract every provider adapter, the offline animator and the router implement.
 *
 * @example
 * ```ts
 * import { createLocal } from '@portrait-animator/adapter-local'
 *
 * const animator: PortraitAnimator = createLocal().warp()
 * const result = await animator.animate({
 *   image: 'examples/assets/astronaut.png',
 *   motion: { type: 'preset', preset: 'live-photo' },
 * })
 * await result.output.save('out/astronaut-live.mp4')
 * ```
 */
export interface PortraitAnimator {
  /** The version of this contract the implementation follows. */
  readonly specificationVersion: 'v1'
  /** Provider name, e.g. `fal`. */
  readonly provider: string
  /** Model id within the provider, e.g. `live-portrait`. */
  readonly modelId: string
  /** What it can do, read by the router before any call. */
  readonly capabilities: Capabilities
  /**
   * Does the whole job: validates the inputs, submits, follows an async job to the end and returns
   * the output. Fails with a `PortraitAnimatorError`.
   */
  animate(request: AnimationRequest, options?: CallOptions): Promise<AnimationResult>
  /** Async providers: submits and returns a JSON-serialisable handle without waiting. */
  start?(request: AnimationRequest, options?: CallOptions): Promise<JobHandle>
  /** Async providers: where the job stands; `completed` carries the result. */
  status?(handle: JobHandle, options?: CallOptions): Promise<JobStatus>
  /** Async providers that can: cancels the remote job. */
  cancel?(handle: JobHandle, options?: CallOptions): Promise<void>
  /** What the request is expected to cost, computed locally without any call. */
  estimateCost?(request: AnimationRequest): CostEstimate | undefined
}
