import { CONFIG_DEFAULTS, type LoadedConfig } from '@portrait-animator/core'
import type { PrepareRequestOptions } from './prepare-request.js'
import { RequestContext } from './request-context.js'
import type { RouterOptions } from './router-api.js'
import type { RouterEventListener } from './router-events.js'
import { openRouterState, type RouterState } from './router-state.js'
import { runTarget, type RunTargetDependencies } from './run-target.js'
import { skipCheck } from './skip-check.js'
import { buildTargets, type TargetEntry } from './target-registry.js'
import type { TargetRunner } from './target-runner.js'
import { unionCapabilities } from './union-capabilities.js'

/** Everything one router holds, shared by its methods (`serve-request.ts`, `resume-jobs.ts`, ...). */
export interface RouterCore {
  readonly loaded: LoadedConfig
  readonly targets: ReadonlyMap<string, TargetEntry>
  readonly state: RouterState
  readonly runner: TargetRunner
  readonly listeners: RouterEventListener[]
  readonly background: Set<Promise<unknown>>
  readonly now: () => number
  readonly requestTimeoutMs: number
  readonly prepareOptions: Omit<PrepareRequestOptions, 'signal'>
  readonly resumePollIntervalMs: number
}

/** Opens the router's state, builds its targets (applying remembered retirements) and its target runner. */
export async function buildRouterCore(loaded: LoadedConfig, options: RouterOptions): Promise<RouterCore> {
  const now = options.now ?? Date.now
  const random = options.random ?? Math.random
  const state = openRouterState(loaded, options, now)
  const sources = { ...(options.factories ? { factories: options.factories } : {}), ...(options.animators ? { animators: options.animators } : {}) }
  const targets = await buildTargets(loaded, { ...sources, now, breakerStore: state.breakers, rateLimitStore: state.rateLimits })
  for (const record of await state.retirements.list().catch(() => [])) {
    const entry = targets.get(record.target)
    // A retirement holds only where it was answered: the same target at another baseUrl is called.
    if (entry?.endpoint === record.endpoint) entry.breaker.retire()
  }
  const listeners: RouterEventListener[] = options.onEvent ? [options.onEvent] : []
  const background = new Set<Promise<unknown>>()
  const requestTimeoutMs = loaded.config.timeouts?.requestMs ?? CONFIG_DEFAULTS.requestTimeoutMs
  let jobCounter = 0
  const attemptMs = loaded.config.timeouts?.attemptMs
  const deps: RunTargetDependencies = {
    ...(state.journal ? { journal: state.journal } : {}),
    retirements: state.retirements,
    random,
    now,
    ...(attemptMs ? { attemptTimeoutMs: attemptMs } : {}),
    nextJobNumber: () => ++jobCounter,
    ...(options.abortGraceMs === undefined ? {} : { abortGraceMs: options.abortGraceMs }),
  }
  const budgetUsd = loaded.config.budget?.maxUsdPerRequest
  const runner: TargetRunner = {
    config: loaded.config,
    now,
    random,
    entry: (id) => targets.get(id)!,
    skip: (id, prepared, context) => skipCheck(targets.get(id)!, prepared, context, { ...(budgetUsd === undefined ? {} : { maxUsdPerRequest: budgetUsd }), now }),
    run: (id, prepared, context, arm) => runTarget(targets.get(id)!, prepared.request, context, deps, arm),
    sideContext: (parent, requestId, callOptions) => new RequestContext(parent.route, requestId, callOptions, requestTimeoutMs, listeners, now),
    inBackground(work) {
      background.add(work)
      void work.finally(() => background.delete(work))
    },
  }
  const maxImagePixels = unionCapabilities(configuredCapabilities(targets, [...targets.keys()])).inputs.image.maxPixels
  const prepareOptions = { ...(options.allowPrivateNetwork === true ? { allowPrivateNetwork: true } : {}), ...(maxImagePixels === undefined ? {} : { maxImagePixels }) }
  return { loaded, targets, state, runner, listeners, background, now, requestTimeoutMs, prepareOptions, resumePollIntervalMs: options.resumePollIntervalMs ?? 500 }
}

/** The capabilities of the configured targets among `ids` (for the union a router or route reports). */
export function configuredCapabilities(targets: ReadonlyMap<string, TargetEntry>, ids: readonly string[]) {
  return ids.flatMap((id) => {
    const entry = targets.get(id)
    return entry?.animator && !entry.unconfiguredReason ? [entry.animator.capabilities] : []
  })
}
