import { AsyncLocalStorage } from 'node:async_hooks'
import { ownEntry, PortraitAnimatorError, type AnimatorProvider, type AnimatorProviderFactory, type LoadedConfig, type PortraitAnimator } from '@portrait-animator/core'
import type { RateLimits, RateLimitStore } from '@portrait-animator/router'

/** The call an adapter's HTTP request belongs to. */
interface CurrentCall {
  readonly key: string
  readonly limits: RateLimits
  readonly signal?: AbortSignal
}

/**
 * Provider factories whose animators share limits across processes through a `RateLimitStore`,
 * keyed `provider/model` with that target's `limits` from the config:
 * - concurrency: a slot is held for the whole call (submit to result);
 * - rate: counted on the paid submission request itself (a POST that is not an upload, a storage
 *   call or a job's status/result), through the adapter's `fetch` setting, so the provider sees at
 *   most `ratePerSecond` submissions in any second however long uploads and probing take;
 * - a 429 answer with Retry-After pauses the key for every process.
 * The router's own per-process limiter still applies on top.
 *
 * This is the bridge until the router takes a `rateLimitStore` itself (issue 13); a provider
 * configured under another name than its adapter's is keyed by the adapter's name.
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
      return limitedProvider(provider, loaded, store, current)
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
      const release = await store.acquire(call.key, { ratePerSecond: call.limits.ratePerSecond }, init?.signal ?? call.signal)
      await release()
    }
    const response = await (own ?? fetch)(input, init)
    if (call && response.status === 429) {
      const seconds = Number(response.headers.get('retry-after'))
      if (seconds > 0) await store.pause(call.key, Date.now() + seconds * 1000)
    }
    return response
  }
}

function limitedProvider(provider: AnimatorProvider, loaded: LoadedConfig, store: RateLimitStore, current: AsyncLocalStorage<CurrentCall>): AnimatorProvider {
  return {
    name: provider.name,
    models: provider.models,
    ...(provider.unconfiguredReason === undefined ? {} : { unconfiguredReason: provider.unconfiguredReason }),
    animator: (modelId) => limitedAnimator(provider.animator(modelId), loaded, store, current),
  }
}

function limitedAnimator(animator: PortraitAnimator, loaded: LoadedConfig, store: RateLimitStore, current: AsyncLocalStorage<CurrentCall>): PortraitAnimator {
  const key = `${animator.provider}/${animator.modelId}`
  const limits = ownEntry(loaded.config.targets, key)?.limits ?? {}
  const limited: PortraitAnimator = Object.create(animator) as PortraitAnimator
  return Object.assign(limited, {
    animate: async (...args: Parameters<PortraitAnimator['animate']>) => {
      const signal = args[1]?.signal
      // Paused keys (a 429) hold new calls here too, before any upload.
      const release = await store.acquire(key, limits.concurrency === undefined ? {} : { concurrency: limits.concurrency }, signal)
      try {
        return await current.run({ key, limits, ...(signal ? { signal } : {}) }, () => animator.animate(...args))
      } catch (error) {
        if (PortraitAnimatorError.isInstance(error) && error.kind === 'rate_limited' && error.retryAfterMs) await store.pause(key, Date.now() + error.retryAfterMs)
        throw error
      } finally {
        await release()
      }
    },
  })
}
