import { ownEntry, PortraitAnimatorError, type AnimatorProvider, type AnimatorProviderFactory, type LoadedConfig, type PortraitAnimator } from '@portrait-animator/core'
import type { RateLimitStore } from '@portrait-animator/router'

/**
 * Provider factories whose animators take a slot from a shared `RateLimitStore` before each call
 * (keyed `provider/model`, with that target's `limits` from the config), and pause the key for
 * every process when the provider answers 429 with Retry-After. The router's own per-process
 * limiter still applies; this adds the limit across processes.
 *
 * This is the bridge until the router takes a `rateLimitStore` itself (issue 13); a provider
 * configured under another name than its adapter's is keyed by the adapter's name.
 */
export async function sharedLimitFactories(loaded: LoadedConfig, store: RateLimitStore): Promise<Record<string, AnimatorProviderFactory>> {
  const factories: Record<string, AnimatorProviderFactory> = {}
  for (const adapter of new Set([...loaded.providers.values()].map((provider) => provider.adapter))) {
    let factory: AnimatorProviderFactory | undefined
    try {
      factory = ((await import(`@portrait-animator/adapter-${adapter}`)) as { createProvider?: AnimatorProviderFactory }).createProvider
    } catch {
      continue // the router reports the missing adapter itself
    }
    if (!factory) continue
    const create = factory
    factories[adapter] = (settings) => limitedProvider(create(settings), loaded, store)
  }
  return factories
}

function limitedProvider(provider: AnimatorProvider, loaded: LoadedConfig, store: RateLimitStore): AnimatorProvider {
  return {
    name: provider.name,
    models: provider.models,
    ...(provider.unconfiguredReason === undefined ? {} : { unconfiguredReason: provider.unconfiguredReason }),
    animator: (modelId) => limitedAnimator(provider.animator(modelId), loaded, store),
  }
}

function limitedAnimator(animator: PortraitAnimator, loaded: LoadedConfig, store: RateLimitStore): PortraitAnimator {
  const key = `${animator.provider}/${animator.modelId}`
  const limits = ownEntry(loaded.config.targets, key)?.limits ?? {}
  const limited: PortraitAnimator = Object.create(animator) as PortraitAnimator
  return Object.assign(limited, {
    animate: async (...args: Parameters<PortraitAnimator['animate']>) => {
      const release = await store.acquire(key, limits, args[1]?.signal)
      try {
        return await animator.animate(...args)
      } catch (error) {
        if (PortraitAnimatorError.isInstance(error) && error.kind === 'rate_limited' && error.retryAfterMs) await store.pause(key, Date.now() + error.retryAfterMs)
        throw error
      } finally {
        await release()
      }
    },
  })
}
