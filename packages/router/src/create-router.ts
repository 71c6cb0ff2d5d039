import { randomUUID } from 'node:crypto'
import { join, resolve } from 'node:path'
import { CONFIG_DEFAULTS, PortraitAnimatorError, loadConfig, ownEntry, toPortraitAnimatorError, validateCallOptions, validateRequest, type AnimationRequest, type AnimationResult, type PortraitAnimator, type RouteConfig, type RouterConfig } from '@portrait-animator/core'
import { followJob } from './follow-job.js'
import { FileJobJournal } from './state/file-job-journal.js'
import { MemoryBreakerStore } from './state/memory-breaker-store.js'
import { MemoryRateLimitStore } from './state/memory-rate-limit-store.js'
import { prepareRequest, type PreparedRequest } from './prepare-request.js'
import { RequestContext } from './request-context.js'
import { FileRetirementStore } from './file-retirement-store.js'
import type { ResumeOutcome, Router, RouterCallOptions, RouterOptions } from './router-api.js'
import type { RouterEvent, RouterEventListener } from './router-events.js'
import { runTarget, type RunTargetDependencies } from './run-target.js'
import { skipCheck } from './skip-check.js'
import { compareTargets, runCompare } from './strategy-compare.js'
import { runFallback } from './strategy-fallback.js'
import { runShadow } from './strategy-shadow.js'
import { runSplit } from './strategy-split.js'
import { buildTargets } from './target-registry.js'
import type { TargetRunner } from './target-runner.js'
import { unionCapabilities } from './union-capabilities.js'

/**
 * Creates a router from a configuration object, a path to a JSON file, or nothing (the default
 * configuration: with no keys set it is served by the offline animator).
 *
 * @example
 * ```ts
 * const router = await createRouter('portrait-animator.json')
 * const result = await router.animate({ image: 'me.jpg', motion: { type: 'preset', preset: 'live-photo' } })
 * console.log(result.servedBy.target, result.attempts)
 * ```
 */
export async function createRouter(config?: RouterConfig | string, options: RouterOptions = {}): Promise<Router> {
  const now = options.now ?? Date.now
  const random = options.random ?? Math.random
  const loaded = await loadConfig(config, {
    ...(options.env ? { env: options.env } : {}),
    extraAdapters: Object.keys(options.factories ?? {}),
  })
  const breakerStore = options.breakerStore ?? new MemoryBreakerStore(now)
  const rateLimitStore = options.rateLimitStore ?? new MemoryRateLimitStore({ now })
  const targets = await buildTargets(loaded, { ...(options.factories ? { factories: options.factories } : {}), ...(options.animators ? { animators: options.animators } : {}), now, breakerStore, rateLimitStore })
  const stateDir = resolve(loaded.config.stateDir ?? '.portrait-animator')
  const journal = options.journal ?? ((loaded.config.journal ?? CONFIG_DEFAULTS.journal) ? new FileJobJournal(join(stateDir, 'journal')) : undefined)
  const retirements = options.retirementStore ?? new FileRetirementStore(stateDir, { recheckAfterMs: loaded.config.breaker?.retiredRecheckMs ?? CONFIG_DEFAULTS.breaker.retiredRecheckMs, now })
  for (const record of await retirements.list().catch(() => [])) {
    const entry = targets.get(record.target)
    // A retirement holds only where it was answered: the same target at another baseUrl is called.
    if (entry?.endpoint === record.endpoint) entry.breaker.retire()
  }
  const listeners: RouterEventListener[] = options.onEvent ? [options.onEvent] : []
  const background = new Set<Promise<unknown>>()
  let jobCounter = 0
  const deps: RunTargetDependencies = {
    ...(journal ? { journal } : {}),
    retirements,
    random,
    now,
    ...(loaded.config.timeouts?.attemptMs ? { attemptTimeoutMs: loaded.config.timeouts.attemptMs } : {}),
    nextJobNumber: () => ++jobCounter,
    ...(options.abortGraceMs === undefined ? {} : { abortGraceMs: options.abortGraceMs }),
  }
  const requestTimeoutMs = loaded.config.timeouts?.requestMs ?? CONFIG_DEFAULTS.requestTimeoutMs
  const budgetUsd = loaded.config.budget?.maxUsdPerRequest

  function routeFor(request: AnimationRequest, name?: string): [string, RouteConfig] {
    const routeName = name ?? ownEntry(loaded.config.motionRoutes, request.motion.type) ?? 'default'
    const route = typeof routeName === 'string' ? ownEntry(loaded.config.routes, routeName) : undefined
    if (!route) {
      throw unknownRoute(String(routeName))
    }
    return [routeName, route]
  }

  function unknownRoute(name: string): PortraitAnimatorError {
    const routes = Object.keys(loaded.config.routes).join(', ')
    return new PortraitAnimatorError({ kind: 'invalid_config', message: `There is no route named "${name}" (routes: ${routes}).`, field: 'route', rule: 'unknown-route', limit: routes, actual: name })
  }

  const runner: TargetRunner = {
    config: loaded.config,
    now,
    random,
    entry: (id) => targets.get(id)!,
    skip: async (id, prepared, context) => skipCheck(targets.get(id)!, prepared, context, { ...(budgetUsd === undefined ? {} : { maxUsdPerRequest: budgetUsd }), now }),
    run: (id, prepared, context, arm) => runTarget(targets.get(id)!, prepared.request, context, deps, arm),
    sideContext: (parent, requestId, callOptions) => new RequestContext(parent.route, requestId, callOptions, requestTimeoutMs, listeners, now),
    inBackground(work) {
      background.add(work)
      void work.finally(() => background.delete(work))
    },
  }

  async function serve(request: AnimationRequest, options: RouterCallOptions = {}): Promise<AnimationResult> {
    validateRequest(request)
    validateCallOptions(options)
    const [routeName, route] = routeFor(request, options.route)
    const context = new RequestContext(routeName, randomUUID().slice(0, 8), options, options.timeoutMs ?? requestTimeoutMs, listeners, now)
    try {
      const prepared = await prepareRequest(request, { signal: context.signal, ...prepareOptions })
      return await runStrategy(request, routeName, route, prepared, context)
    } finally {
      context.end()
    }
  }

  /** Serves a prepared request by the route's strategy. */
  async function runStrategy(request: AnimationRequest, routeName: string, route: RouteConfig, prepared: PreparedRequest, context: RequestContext): Promise<AnimationResult> {
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

  const routerAllowsPrivate = options.allowPrivateNetwork === true
  const allEntries = [...targets.values()]
  const routerCapabilities = unionCapabilities(allEntries.flatMap((entry) => (entry.animator && !entry.unconfiguredReason ? [entry.animator.capabilities] : [])))
  const maxImagePixels = routerCapabilities.inputs.image.maxPixels
  const prepareOptions = { ...(routerAllowsPrivate ? { allowPrivateNetwork: true } : {}), ...(maxImagePixels === undefined ? {} : { maxImagePixels }) }

  const router: Router = {
    specificationVersion: 'v1',
    provider: 'router',
    modelId: 'default',
    capabilities: routerCapabilities,
    config: loaded,
    animate: serve,
    route(name: string): PortraitAnimator {
      const route = ownEntry(loaded.config.routes, name)
      if (!route) throw unknownRoute(name)
      const ids = route.targets.map((target) => (typeof target === 'string' ? target : target.target))
      return {
        specificationVersion: 'v1',
        provider: 'router',
        modelId: name,
        capabilities: unionCapabilities(ids.flatMap((id) => { const entry = targets.get(id); return entry?.animator && !entry.unconfiguredReason ? [entry.animator.capabilities] : [] })),
        animate: (request, callOptions) => serve(request, { ...callOptions, route: name }),
      }
    },
    async compare(request, compareOptions = {}) {
      validateRequest(request)
      validateCallOptions(compareOptions)
      const [routeName, route] = routeFor(request, compareOptions.route)
      const ids = compareOptions.targets ?? route.targets.map((target) => (typeof target === 'string' ? target : target.target))
      for (const id of ids) {
        if (!targets.has(id)) throw new PortraitAnimatorError({ kind: 'invalid_config', message: `Unknown target "${id}" (targets: ${[...targets.keys()].join(', ')}).`, field: 'targets' })
      }
      const context = new RequestContext(routeName, randomUUID().slice(0, 8), compareOptions, compareOptions.timeoutMs ?? requestTimeoutMs, listeners, now)
      try {
        const prepared = await prepareRequest(request, { signal: context.signal, ...prepareOptions })
        return await compareTargets(runner, ids, prepared, context, compareOptions.concurrency ?? (route.strategy === 'compare' ? route.concurrency : undefined) ?? CONFIG_DEFAULTS.compareConcurrency)
      } finally {
        context.end()
      }
    },
    async resume(resumeOptions = {}) {
      if (!journal) return []
      const outcomes: ResumeOutcome[] = []
      for (const entry of await journal.list()) {
        const animator = targets.get(entry.target)?.animator
        if (!animator?.status) {
          outcomes.push({ entry, error: new PortraitAnimatorError({ kind: 'unsupported', message: `Cannot resume ${entry.target}: it is not configured or cannot report job status.` }) })
          continue
        }
        try {
          outcomes.push({ entry, result: await followJob(animator, entry.handle, resumeOptions, options.resumePollIntervalMs ?? 500) })
          await journal.complete(entry.id)
        } catch (thrown) {
          const error = toPortraitAnimatorError(thrown, { provider: animator.provider, modelId: animator.modelId })
          // Kept only when it may still finish: the provider could not be reached, or this resume was interrupted.
          if (error.kind !== 'unavailable' && resumeOptions.signal?.aborted !== true) await journal.complete(entry.id)
          outcomes.push({ entry, error })
        }
      }
      return outcomes
    },
    targets() {
      return allEntries.map((entry) => {
        const lifecycle = entry.animator?.capabilities.lifecycle
        const reason = entry.unconfiguredReason ?? (lifecycle && lifecycle.status === 'retired' && !entry.customBaseUrl ? `retired: ${lifecycle.note}` : undefined)
        return {
          target: entry.id,
          configured: entry.animator !== undefined && entry.unconfiguredReason === undefined,
          ...(reason ? { reason } : {}),
          ...(entry.animator ? { capabilities: entry.animator.capabilities } : {}),
          breaker: entry.breaker.view.state,
        }
      })
    },
    on(listener) {
      listeners.push(listener)
      return () => {
        const index = listeners.indexOf(listener)
        if (index >= 0) listeners.splice(index, 1)
      }
    },
    retirements: () => retirements.list(),
    async forgetRetirement(target, endpoint) {
      const forgotten = await retirements.forget(target, endpoint)
      const entry = targets.get(target)
      if (entry && entry.breaker.view.state === 'retired' && (endpoint === undefined || endpoint === entry.endpoint)) entry.breaker.reinstate()
      return forgotten
    },
    async settle() {
      while (background.size > 0) await Promise.allSettled([...background])
    },
  }
  return router
}

export type { RouterEvent }
