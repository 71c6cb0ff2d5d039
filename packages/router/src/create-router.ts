import { randomUUID } from 'node:crypto'
import { join, resolve } from 'node:path'
import { CONFIG_DEFAULTS, KIND_POLICIES, PortraitAnimatorError, loadConfig, ownEntry, toPortraitAnimatorError, validateCallOptions, validateRequest, type AnimationRequest, type AnimationResult, type CompareEntry, type ErrorKind, type PortraitAnimator, type RouteConfig, type RouterConfig } from '@portrait-animator/core'
import { mayHaveCharged } from './charge-risk.js'
import { followJob } from './follow-job.js'
import { JobJournal } from './job-journal.js'
import { prepareRequest, type PreparedRequest } from './prepare-request.js'
import { RequestContext } from './request-context.js'
import { FileRetirementStore } from './file-retirement-store.js'
import type { ResumeOutcome, Router, RouterCallOptions, RouterOptions } from './router-api.js'
import type { RouterEvent, RouterEventListener } from './router-events.js'
import { isFree, runTarget, type RunTargetDependencies } from './run-target.js'
import { unsupportedReason } from './skip-reason.js'
import { pickWeighted, stickyFraction } from './sticky-hash.js'
import { buildTargets, type TargetEntry } from './target-registry.js'
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
  const targets = await buildTargets(loaded, { ...(options.factories ? { factories: options.factories } : {}), ...(options.animators ? { animators: options.animators } : {}), now })
  const stateDir = resolve(loaded.config.stateDir ?? '.portrait-animator')
  const journal = (loaded.config.journal ?? CONFIG_DEFAULTS.journal) ? new JobJournal(join(stateDir, 'journal')) : undefined
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

  /** Why `entry` must not be called for this request, or `undefined`. */
  function skipCheck(entry: TargetEntry, prepared: PreparedRequest, context: RequestContext): boolean {
    const animator = entry.animator
    const lifecycle = animator?.capabilities.lifecycle
    if (lifecycle && lifecycle.status === 'retired' && !entry.customBaseUrl) {
      context.skip(entry.id, 'retired', `retired by the provider: ${lifecycle.note}`)
      return true
    }
    if (!animator || entry.unconfiguredReason) {
      context.skip(entry.id, 'unconfigured', `not configured: ${entry.unconfiguredReason ?? 'no animator'}`)
      return true
    }
    const state = entry.breaker.state
    if (state.state === 'retired') {
      context.skip(entry.id, 'retired', 'answered "retired" before; not called again')
      return true
    }
    const unsupported = unsupportedReason(animator.capabilities, prepared.request)
    if (unsupported) {
      context.skip(entry.id, 'unsupported', unsupported)
      return true
    }
    const rejection = prepared.rejection(animator)
    if (rejection) {
      context.inputRejection ??= rejection
      context.skip(entry.id, 'input-limits', rejection.message)
      return true
    }
    const budget = loaded.config.budget?.maxUsdPerRequest
    if (budget !== undefined) {
      const estimate = animator.estimateCost?.(prepared.request)
      if (estimate?.usd !== undefined && estimate.usd > budget) {
        context.skip(entry.id, 'budget', `estimated $${estimate.usd.toFixed(3)} is above the $${budget} budget`)
        return true
      }
    }
    if (context.paidTargetsBlocked && !isFree(animator, prepared.request)) {
      context.skip(entry.id, 'unknown-acceptance', 'an earlier paid target may have accepted this request; not risking a second charge')
      return true
    }
    if (!entry.breaker.tryAcquire()) {
      const until = state.state === 'open' ? ` for ${Math.max(0, Math.round((state.untilMs - now()) / 1000))} s` : ''
      context.skip(entry.id, 'breaker-open', `circuit open after repeated failures${until}`)
      return true
    }
    return false
  }

  /** Tries `order` in turn; resolves with the first success. */
  async function runFallback(order: readonly string[], prepared: PreparedRequest, context: RequestContext, arm?: string): Promise<AnimationResult> {
    const errors: PortraitAnimatorError[] = []
    for (const [index, id] of order.entries()) {
      const entry = targets.get(id)!
      if (skipCheck(entry, prepared, context)) continue
      try {
        const result = await runTarget(entry, prepared.request, context, deps, arm)
        return finish(result, entry, context, arm)
      } catch (thrown) {
        const error = toPortraitAnimatorError(thrown)
        errors.push(error)
        const fallBack = KIND_POLICIES[error.kind].fallBack
        if (fallBack === 'stop' || context.signal.aborted) throw withAttempts(error, context)
        const fallbackAllowed = fallBack === 'yes' || ownEntry(loaded.config.fallbackOn as Record<string, boolean | undefined> | undefined, error.kind) === true
        if (!fallbackAllowed) throw withAttempts(error, context)
        if (mayHaveCharged(error) && !isFree(entry.animator!, prepared.request)) {
          const policy = loaded.config.unknownAcceptance ?? CONFIG_DEFAULTS.unknownAcceptance
          if (policy === 'stop') throw withAttempts(error, context)
          if (policy === 'offline-only') context.paidTargetsBlocked = true
        }
        const next = order[index + 1]
        context.emit({ type: 'fallback', from: id, ...(next ? { to: next } : {}), reason: `${error.kind}: ${error.message}` })
      }
    }
    throw allFailed(errors, context)
  }

  function finish(result: AnimationResult, entry: TargetEntry, context: RequestContext, arm?: string): AnimationResult {
    context.emit({ type: 'result', target: entry.id, durationMs: context.elapsedMs, ...(arm ? { arm } : {}) })
    return { ...result, attempts: [...context.attempts], timings: { ...result.timings, totalMs: context.elapsedMs }, ...(arm ? { arm } : {}) }
  }

  function withAttempts(error: PortraitAnimatorError, context: RequestContext): PortraitAnimatorError {
    context.emit({ type: 'failed', errorKind: error.kind, message: error.message })
    return error.with({ attempts: [...context.attempts], cause: error.cause ?? error })
  }

  function allFailed(errors: readonly PortraitAnimatorError[], context: RequestContext): PortraitAnimatorError {
    const lines = context.attempts.map((attempt) =>
      attempt.outcome === 'skipped' ? `${attempt.target}: skipped (${attempt.reason})` : `${attempt.target}: ${attempt.errorKind} (${attempt.reason})`,
    )
    const last = errors.at(-1)
    const skipCodes = new Set(context.skipCodes)
    // Nothing was called: say why in the most useful kind (the input itself, the budget, or capabilities).
    const rejection = context.inputRejection
    const kind: ErrorKind = last?.kind ?? (rejection ? 'invalid_input' : skipCodes.size === 1 && skipCodes.has('budget') ? 'budget_exceeded' : 'unsupported')
    const summary = {
      kind,
      message: `No target could serve the request on route "${context.route}". ${lines.join('; ')}.`,
      retryable: false,
      ...(last?.accepted === undefined ? {} : { accepted: last.accepted }),
      attempts: [...context.attempts],
      ...(last ? { cause: last } : {}),
    }
    // When the input was at fault (a target's limits, or an adapter's own check), keep its field,
    // rule, limit and value.
    const inputError = last ? (last.kind === 'invalid_input' ? last : undefined) : rejection
    const error = inputError ? inputError.with(summary) : new PortraitAnimatorError(summary)
    context.emit({ type: 'failed', errorKind: error.kind, message: error.message })
    return error
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
        return runFallback(route.targets, prepared, context)
      case 'split': {
        const key = route.stickyBy ? ownEntry(request.context, route.stickyBy) : undefined
        const fraction = key === undefined ? random() : stickyFraction(key, routeName)
        const arm = pickWeighted(route.targets, fraction)
        const others = route.targets.filter((item) => item !== arm).sort((a, b) => b.weight - a.weight)
        const order = [arm.target, ...(route.fallback === false ? [] : others.map((item) => item.target))]
        return runFallback(order, prepared, context, arm.target)
      }
      case 'compare': {
        const entries = await compareOn(route.targets, prepared, context, route.concurrency ?? CONFIG_DEFAULTS.compareConcurrency)
        const winner = entries.find((entry) => entry.ok)
        if (winner?.result) return { ...winner.result, providerMetadata: { ...winner.result.providerMetadata, router: { compare: entries.map(summarise) } } }
        throw allFailed(entries.flatMap((entry) => (entry.error ? [entry.error] : [])), context)
      }
      case 'shadow': {
        for (const id of route.shadow) {
          const shadowContext = new RequestContext(routeName, `${context.requestId}-shadow`, {}, requestTimeoutMs, listeners, now)
          const entry = targets.get(id)!
          const started = now()
          const run = (async () => {
            if (skipCheck(entry, prepared, shadowContext)) return
            try {
              await runTarget(entry, prepared.request, shadowContext, deps)
              context.emit({ type: 'shadow-result', target: id, ok: true, durationMs: now() - started })
            } catch (thrown) {
              context.emit({ type: 'shadow-result', target: id, ok: false, durationMs: now() - started, errorKind: toPortraitAnimatorError(thrown).kind })
            }
          })().finally(() => shadowContext.end())
          background.add(run)
          void run.finally(() => background.delete(run))
        }
        return runFallback(route.targets, prepared, context)
      }
    }
  }

  async function compareOn(ids: readonly string[], prepared: PreparedRequest, parent: RequestContext, concurrency: number): Promise<CompareEntry[]> {
    const results: CompareEntry[] = new Array(ids.length)
    let next = 0
    async function worker() {
      while (next < ids.length) {
        const index = next++
        const id = ids[index]!
        const entry = targets.get(id)!
        const context = new RequestContext(parent.route, `${parent.requestId}-${index}`, parent.options, requestTimeoutMs, listeners, now)
        const started = now()
        if (skipCheck(entry, prepared, context)) {
          const reason = context.attempts.at(-1)?.reason ?? 'skipped'
          results[index] = { target: id, ok: false, error: new PortraitAnimatorError({ kind: 'unsupported', message: `${id} was skipped: ${reason}`, attempts: context.attempts }), durationMs: 0 }
          parent.attempts.push(...context.attempts)
          context.end()
          continue
        }
        try {
          const result = await runTarget(entry, prepared.request, context, deps)
          results[index] = { target: id, ok: true, result: { ...result, attempts: [...context.attempts] }, durationMs: now() - started }
        } catch (thrown) {
          results[index] = { target: id, ok: false, error: toPortraitAnimatorError(thrown), durationMs: now() - started }
        } finally {
          context.end()
        }
        parent.attempts.push(...context.attempts)
      }
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, worker))
    return results
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
        return await compareOn(ids, prepared, context, compareOptions.concurrency ?? (route.strategy === 'compare' ? route.concurrency : undefined) ?? CONFIG_DEFAULTS.compareConcurrency)
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
          if (error.kind !== 'cancelled' && error.kind !== 'unavailable') await journal.complete(entry.id)
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
          breaker: entry.breaker.state.state,
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
      if (entry && entry.breaker.state.state === 'retired' && (endpoint === undefined || endpoint === entry.endpoint)) entry.breaker.reinstate()
      return forgotten
    },
    async settle() {
      while (background.size > 0) await Promise.allSettled([...background])
    },
  }
  return router
}

function summarise(entry: CompareEntry): Record<string, unknown> {
  return { target: entry.target, ok: entry.ok, durationMs: entry.durationMs, ...(entry.error ? { errorKind: entry.error.kind } : {}) }
}

export type { RouterEvent }
