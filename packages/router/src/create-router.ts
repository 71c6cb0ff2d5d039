import { loadConfig, ownEntry, type LoadedConfig, type PortraitAnimator, type RouterConfig } from '@portrait-animator/core'
import { resumeJobs } from './resume-jobs.js'
import { routeTargetIds, unknownRoute } from './route-lookup.js'
import type { Router, RouterOptions, TargetInfo } from './router-api.js'
import { buildRouterCore, configuredCapabilities, type RouterCore } from './router-core.js'
import type { RouterEvent } from './router-events.js'
import { compareRequest, serveRequest } from './serve-request.js'
import type { TargetEntry } from './target-registry.js'
import { unionCapabilities } from './union-capabilities.js'

/**
 * Creates a router from a configuration object, a path to a JSON file, a configuration already
 * loaded with `loadConfig` (so a caller that checked it does not read it twice), or nothing (the
 * default configuration: with no keys set it is served by the offline animator).
 *
 * @example
 * ```ts
 * const router = await createRouter('portrait-animator.json')
 * const result = await router.animate({ image: 'me.jpg', motion: { type: 'preset', preset: 'live-photo' } })
 * console.log(result.servedBy.target, result.attempts)
 * ```
 */
export async function createRouter(config?: RouterConfig | string | LoadedConfig, options: RouterOptions = {}): Promise<Router> {
  const loaded = isLoadedConfig(config)
    ? config
    : await loadConfig(config, { ...(options.env ? { env: options.env } : {}), extraAdapters: Object.keys(options.factories ?? {}) })
  return routerOver(await buildRouterCore(loaded, options))
}

/** True for what `loadConfig` returns (its providers are already resolved), false for a document or a path. */
function isLoadedConfig(config: RouterConfig | string | LoadedConfig | undefined): config is LoadedConfig {
  return typeof config === 'object' && config !== null && (config as Partial<LoadedConfig>).providers instanceof Map && 'config' in config
}

/** The `Router` over a built core: each method is a small function of its own file. */
function routerOver(core: RouterCore): Router {
  const { loaded, targets, state } = core
  const animate: Router['animate'] = (request, callOptions) => serveRequest(core, request, callOptions)
  return {
    specificationVersion: 'v1',
    provider: 'router',
    modelId: 'default',
    capabilities: unionCapabilities(configuredCapabilities(targets, [...targets.keys()])),
    config: loaded,
    stateDir: state.stateDir,
    animate,
    route: (name) => routeAnimator(core, name),
    compare: (request, compareOptions) => compareRequest(core, request, compareOptions),
    resume: (resumeOptions) => resumeJobs(core, resumeOptions),
    targets: () => [...targets.values()].map((entry) => targetInfo(entry)),
    on(listener) {
      core.listeners.push(listener)
      return () => {
        const index = core.listeners.indexOf(listener)
        if (index >= 0) core.listeners.splice(index, 1)
      }
    },
    retirements: () => state.retirements.list(),
    async forgetRetirement(target, endpoint) {
      const forgotten = await state.retirements.forget(target, endpoint)
      const entry = targets.get(target)
      if (entry && (endpoint === undefined || endpoint === entry.endpoint)) entry.breaker.reinstate()
      return forgotten
    },
    async settle() {
      while (core.background.size > 0) await Promise.allSettled([...core.background])
    },
  }
}

/** `router.route(name)`: a `PortraitAnimator` bound to one route. */
function routeAnimator(core: RouterCore, name: string): PortraitAnimator {
  const route = ownEntry(core.loaded.config.routes, name)
  if (!route) throw unknownRoute(core.loaded.config, name)
  return {
    specificationVersion: 'v1',
    provider: 'router',
    modelId: name,
    capabilities: unionCapabilities(configuredCapabilities(core.targets, routeTargetIds(route))),
    animate: (request, callOptions) => serveRequest(core, request, { ...callOptions, route: name }),
  }
}

/** What `targets()` reports for one target. */
function targetInfo(entry: TargetEntry): TargetInfo {
  const lifecycle = entry.animator?.capabilities.lifecycle
  const reason = entry.unconfiguredReason ?? (lifecycle && lifecycle.status === 'retired' && !entry.customBaseUrl ? `retired: ${lifecycle.note}` : undefined)
  return {
    target: entry.id,
    configured: entry.animator !== undefined && entry.unconfiguredReason === undefined,
    ...(reason ? { reason } : {}),
    ...(entry.animator ? { capabilities: entry.animator.capabilities } : {}),
    breaker: entry.breaker.view.state,
  }
}

export type { RouterEvent }
