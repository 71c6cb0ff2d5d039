import type { AnimationResult, CallOptions, ParsedRouterConfig } from '@portrait-animator/core'
import type { PreparedRequest } from './prepare-request.js'
import type { RequestContext } from './request-context.js'
import type { TargetEntry } from './target-registry.js'

/**
 * What every strategy works with: the targets, one target checked and run with its policies
 * (deadline, limiter, journal, breaker, retry), and contexts for runs on the side. Strategies
 * decide only the order and number of targets.
 */
export interface TargetRunner {
  readonly config: ParsedRouterConfig
  readonly now: () => number
  readonly random: () => number
  /** The target `id` (known to be in the config). */
  entry(id: string): TargetEntry
  /** True (and the skip recorded on `context`) when `id` must not be called for this request. */
  skip(id: string, prepared: PreparedRequest, context: RequestContext): Promise<boolean>
  /** Calls `id` with retries; records every attempt on `context`. */
  run(id: string, prepared: PreparedRequest, context: RequestContext, arm?: string): Promise<AnimationResult>
  /** A context of its own for a run beside `parent` (a compare entry, a shadow run). */
  sideContext(parent: RequestContext, requestId: string, options: CallOptions): RequestContext
  /** Keeps `work` until it ends, for `router.settle()`. */
  inBackground(work: Promise<unknown>): void
}
