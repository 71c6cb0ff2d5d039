import { CONFIG_DEFAULTS, KIND_POLICIES, ownEntry, toPortraitAnimatorError, type AnimationResult, type PortraitAnimatorError } from '@portrait-animator/core'
import { mayHaveCharged } from './charge-risk.js'
import type { PreparedRequest } from './prepare-request.js'
import type { RequestContext } from './request-context.js'
import { allTargetsFailed, failRequest, finishRequest } from './request-outcome.js'
import { isFree } from './run-target.js'
import type { TargetRunner } from './target-runner.js'

/** The `fallback` strategy: tries `order` in turn and resolves with the first success. */
export async function runFallback(runner: TargetRunner, order: readonly string[], prepared: PreparedRequest, context: RequestContext, arm?: string): Promise<AnimationResult> {
  const errors: PortraitAnimatorError[] = []
  for (const [index, id] of order.entries()) {
    if (await runner.skip(id, prepared, context)) continue
    try {
      return finishRequest(await runner.run(id, prepared, context, arm), id, context, arm)
    } catch (thrown) {
      const error = toPortraitAnimatorError(thrown)
      errors.push(error)
      if (!goesOn(runner, error, id, prepared, context)) throw failRequest(error, context)
      const next = order[index + 1]
      context.emit({ type: 'fallback', from: id, ...(next ? { to: next } : {}), reason: `${error.kind}: ${error.message}` })
    }
  }
  throw allTargetsFailed(errors, context)
}

/**
 * Whether the route moves on after `error` on `id`: what the kind means (`KIND_POLICIES`, with the
 * config's `fallbackOn`), and never a second paid charge when this one may have been accepted
 * (`unknownAcceptance`).
 */
function goesOn(runner: TargetRunner, error: PortraitAnimatorError, id: string, prepared: PreparedRequest, context: RequestContext): boolean {
  const fallBack = KIND_POLICIES[error.kind].fallBack
  if (fallBack === 'stop' || context.signal.aborted) return false
  if (fallBack === 'if-configured' && (ownEntry(runner.config.fallbackOn as Record<string, boolean | undefined> | undefined, error.kind) ?? ownEntry(CONFIG_DEFAULTS.fallbackOn as Record<string, boolean>, error.kind)) !== true) return false
  if (mayHaveCharged(error) && !isFree(runner.entry(id).animator!, prepared.request)) {
    const policy = runner.config.unknownAcceptance ?? CONFIG_DEFAULTS.unknownAcceptance
    if (policy === 'stop') return false
    if (policy === 'offline-only') context.paidTargetsBlocked = true
  }
  return true
}
