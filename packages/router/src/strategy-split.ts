import { CONFIG_DEFAULTS, ownEntry, type AnimationRequest, type AnimationResult, type RouteConfig } from '@portrait-animator/core'
import type { PreparedRequest } from './prepare-request.js'
import type { RequestContext } from './request-context.js'
import { pickWeighted, stickyFraction } from './sticky-hash.js'
import { runFallback } from './strategy-fallback.js'
import type { TargetRunner } from './target-runner.js'

/**
 * The `split` strategy: picks an arm by weight (sticky by a hashed `context` key when `stickyBy`
 * names one), records it on the result, and falls back to the other arms by weight unless
 * `fallback: false`.
 */
export function runSplit(runner: TargetRunner, route: Extract<RouteConfig, { strategy: 'split' }>, routeName: string, request: AnimationRequest, prepared: PreparedRequest, context: RequestContext): Promise<AnimationResult> {
  const key = route.stickyBy ? ownEntry(request.context, route.stickyBy) : undefined
  const fraction = key === undefined ? runner.random() : stickyFraction(key, routeName)
  const arm = pickWeighted(route.targets, fraction)
  const others = route.targets.filter((item) => item !== arm).sort((a, b) => b.weight - a.weight)
  const order = [arm.target, ...((route.fallback ?? CONFIG_DEFAULTS.splitFallback) === false ? [] : others.map((item) => item.target))]
  return runFallback(runner, order, prepared, context, arm.target)
}
