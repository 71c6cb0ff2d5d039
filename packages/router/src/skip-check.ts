import type { PreparedRequest } from './prepare-request.js'
import type { RequestContext } from './request-context.js'
import { isFree } from './run-target.js'
import { unsupportedReason } from './skip-reason.js'
import type { TargetEntry } from './target-registry.js'

/** What `skipCheck` needs beyond the target and the request. */
export interface SkipSettings {
  /** `budget.maxUsdPerRequest` of the config. */
  readonly maxUsdPerRequest?: number
  readonly now: () => number
}

/**
 * Whether `entry` must not be called for this request; when so, records the skip (an event and a
 * `skipped` attempt with its reason) on `context`. The checks run cheapest and most final first:
 * retired, unconfigured, remembered retirement, capabilities, input limits, budget, unknown
 * acceptance, and last the breaker (whose half-open probe `tryAcquire` takes).
 */
export async function skipCheck(entry: TargetEntry, prepared: PreparedRequest, context: RequestContext, settings: SkipSettings): Promise<boolean> {
  const animator = entry.animator
  const lifecycle = animator?.capabilities.lifecycle
  if (lifecycle && lifecycle.status === 'retired' && !entry.customBaseUrl) return skipped(context, entry, 'retired', `retired by the provider: ${lifecycle.note}`)
  if (!animator || entry.unconfiguredReason) return skipped(context, entry, 'unconfigured', `not configured: ${entry.unconfiguredReason ?? 'no animator'}`)
  if (entry.breaker.view.state === 'retired') return skipped(context, entry, 'retired', 'answered "retired" before; not called again')
  const unsupported = unsupportedReason(animator.capabilities, prepared.request)
  if (unsupported) return skipped(context, entry, 'unsupported', unsupported)
  const rejection = prepared.rejection(animator)
  if (rejection) {
    context.inputRejection ??= rejection
    return skipped(context, entry, 'input-limits', rejection.message)
  }
  const budget = settings.maxUsdPerRequest
  const estimate = budget === undefined ? undefined : animator.estimateCost?.(prepared.request)
  if (budget !== undefined && estimate?.usd !== undefined && estimate.usd > budget) {
    return skipped(context, entry, 'budget', `estimated $${estimate.usd.toFixed(3)} is above the $${budget} budget`)
  }
  if (context.paidTargetsBlocked && !isFree(animator, prepared.request)) {
    return skipped(context, entry, 'unknown-acceptance', 'an earlier paid target may have accepted this request; not risking a second charge')
  }
  if (!(await entry.breaker.tryAcquire())) {
    const state = await entry.breaker.state()
    const until = state.state === 'open' ? ` for ${Math.max(0, Math.round((state.untilMs - settings.now()) / 1000))} s` : ''
    return skipped(context, entry, 'breaker-open', `circuit open after repeated failures${until}`)
  }
  return false
}

function skipped(context: RequestContext, entry: TargetEntry, code: Parameters<RequestContext['skip']>[1], reason: string): true {
  context.skip(entry.id, code, reason)
  return true
}
