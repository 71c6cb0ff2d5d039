import { AsyncLocalStorage } from 'node:async_hooks'
import { ownEntry, type AnimatorProvider, type AnimatorProviderFactory, type LoadedConfig, type PortraitAnimator } from '@portrait-animator/core'
import type { RateLimits, RateLimitStore } from '@portrait-animator/router'

/** The call an adapter's HTTP request belongs to. */
interface CurrentCall {
  readonly key: string
  readonly limits: RateLimits
  readonly signal?: AbortSignal
}

/** The store key submissions of `target` are counted under. */
export function submissionKey(target: string): string {
  return `${target}:submissions`
}

/**
 * Provider factories whose animators also count a target's `limits.ratePerSecond` on the paid
 * submission request itself (a POST that is not an upload, a storage call or a job's
 * status/result), through the adapter's `fetch` setting, in a shared `RateLimitStore`. The router
 * counts its limits when an attempt starts; uploads and probing take a varying time after that,
 * so without this a provider could see submissions bunched above its limit. A 429 answer with
 * Retry-After pauses the target (the router's key, and the submissions key) for every process.
 *
 * A provider configured under another name than its adapter's is keyed by the adapter's name.
 */
export async function sharedLimitFactories(loaded: LoadedConfig, store: RateLimitStore): Promise<Record<string, AnimatorProviderFactory>> {
  const factories: Record<string, AnimatorProviderFactory> = {}
  const current = new AsyncLocalStorage<CurrentCall>()
  for (const adapter of new Set([...loaded.providers.values()].map((provider) => provider.adapter))) {
    let factory: AnimatorProviderFactory | undefined
    try {
      factory = ((await import(`@portrait-animator/adapter-${adapter}`)) as { createProvider?: AnimatorProviderFactory }).createProvider
    } catch {
      continue // the router reports the missing adapter itself
    }
    if (!factory) continue
    const create = factory
    factories[adapter] = (settings) => {
      const own = typeof settings.fetch === 'function' ? (settings.fetch as typeof fetch) : undefined
      const provider = create({ ...settings, fetch: limitedFetch(own, store, current) })
      return limitedProvider(provider, loaded, current)
    }
  }
  return factories
}

/** True for a request that submits paid work (counted against the rate). */
export function isSubmission(input: string | URL | Request, init?: RequestInit): boolean {
  const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase()
  if (method !== 'POST') return false
  const url = input instanceof Request ? input.url : String(input)
  return !/\/(storage|upload[^/]*|files|requests)(\/|$|\?)/i.test(new URL(url).pathname)
}

function limitedFetch(own: typeof fetch | undefined, store: RateLimitStore, current: AsyncLocalStorage<CurrentCall>): typeof fetch {
  return async (input, init) => {
    const call = current.getStore()
    if (call?.limits.ratePerSecond !== undefined && isSubmission(input, init)) {
      const release = await store.acquire(submissionKey(call.key), { ratePerSecond: call.limits.ratePerSecond }, init?.signal ?? call.signal)
      await release()
    }
    const response = await (own ?? fetch)(input, init)
    if (call && response.status === 429) {
      const seconds = Number(response.headers.get('retry-after'))
      if (seconds > 0) await Promise.all([store.pause(call.key, Date.now() + seconds * 1000), store.pause(submissionKey(call.key), Date.now() + seconds * 1000)])
    }
    return response
  }
}

function limitedProvider(provider: AnimatorProvider, loaded: LoadedConfig, current: AsyncLocalStorage<CurrentCall>): AnimatorProvider {
  return {
    name: provider.name,
    models: provider.models,
    ...(provider.unconfiguredReason === undefined ? {} : { unconfiguredReason: provider.unconfiguredReason }),
    animator: (modelId) => limitedAnimator(provider.animator(modelId), loaded, current),
  }
}

function limitedAnimator(animator: PortraitAnimator, loaded: LoadedConfig, current: AsyncLocalStorage<CurrentCall>): PortraitAnimator {
  const key = `${animator.provider}/${animator.modelId}`
  const limits = ownEntry(loaded.config.targets, key)?.limits ?? {}
  const limited: PortraitAnimator = Object.create(animator) as PortraitAnimator
  return Object.assign(limited, {
    // The call's key and limits reach the adapter's fetch through async context.
    animate: (...args: Parameters<PortraitAnimator['animate']>) => current.run({ key, limits, ...(args[1]?.signal ? { signal: args[1].signal } : {}) }, () => animator.animate(...args)),
  })
}
