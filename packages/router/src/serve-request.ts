import { randomUUID } from 'node:crypto'
import { CONFIG_DEFAULTS, PortraitAnimatorError, validateCallOptions, validateRequest, type AnimationRequest, type AnimationResult, type CompareEntry, type RouteConfig } from '@portrait-animator/core'
import { prepareRequest, type PreparedRequest } from './prepare-request.js'
import { RequestContext } from './request-context.js'
import { routeFor, routeTargetIds } from './route-lookup.js'
import type { Router, RouterCallOptions } from './router-api.js'
import type { RouterCore } from './router-core.js'
import { compareTargets, runCompare } from './strategy-compare.js'
import { runFallback } from './strategy-fallback.js'
import { runShadow } from './strategy-shadow.js'
import { runSplit } from './strategy-split.js'

/** `router.animate`: checks the request, picks the route, reads the inputs once and runs the route's strategy. */
export async function serveRequest(core: RouterCore, request: AnimationRequest, options: RouterCallOptions = {}): Promise<AnimationResult> {
  validateRequest(request)
  validateCallOptions(options)
  const [routeName, route] = routeFor(core.loaded.config, request, options.route)
  const context = openContext(core, routeName, options)
  try {
    const prepared = await prepareRequest(request, { signal: context.signal, ...core.prepareOptions })
    return await runStrategy(core, request, routeName, route, prepared, context)
  } finally {
    context.end()
  }
}

/** `router.compare`: runs the request on every target of a route (or those given) and reports each outcome. */
export async function compareRequest(core: RouterCore, request: AnimationRequest, options: Parameters<Router['compare']>[1] = {}): Promise<CompareEntry[]> {
  validateRequest(request)
  validateCallOptions(options)
  const [routeName, route] = routeFor(core.loaded.config, request, options.route)
  const ids = options.targets ?? routeTargetIds(route)
  for (const id of ids) {
    if (!core.targets.has(id)) throw new PortraitAnimatorError({ kind: 'invalid_config', message: `Unknown target "${id}" (targets: ${[...core.targets.keys()].join(', ')}).`, field: 'targets' })
  }
  const context = openContext(core, routeName, options)
  try {
    const prepared = await prepareRequest(request, { signal: context.signal, ...core.prepareOptions })
    const concurrency = options.concurrency ?? (route.strategy === 'compare' ? route.concurrency : undefined) ?? CONFIG_DEFAULTS.compareConcurrency
    return await compareTargets(core.runner, ids, prepared, context, concurrency)
  } finally {
    context.end()
  }
}

function openContext(core: RouterCore, routeName: string, options: RouterCallOptions): RequestContext {
  return new RequestContext(routeName, randomUUID().slice(0, 8), options, options.timeoutMs ?? core.requestTimeoutMs, core.listeners, core.now)
}

/** Serves a prepared request by the route's strategy. */
function runStrategy(core: RouterCore, request: AnimationRequest, routeName: string, route: RouteConfig, prepared: PreparedRequest, context: RequestContext): Promise<AnimationResult> {
  const runner = core.runner
  switch (route.strategy) {
    case 'fallback':
      return runFallback(runner, route.targets, prepared, context)
    case 'split':
      return runSplit(runner, route, routeName, request, prepared, context)
    case 'compare':
      return runCompare(runner, route.targets, prepared, context, route.concurrency ?? CONFIG_DEFAULTS.compareConcurrency)
    case 'shadow':
      return runShadow(runner, route, prepared, context)
  }
}
