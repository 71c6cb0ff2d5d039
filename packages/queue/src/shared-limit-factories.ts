import { AsyncLocalStorage } from 'node:async_hooks'
import { ownEntry, type AnimationRequest, type AnimatorProvider, type AnimatorProviderFactory, type CallOptions, type LoadedConfig, type PortraitAnimator } from '@portrait-animator/core'
import type { RateLimitStore } from '@portrait-animator/router'

/** The call an adapter's HTTP request belongs to. */
interface CurrentCall {
  /** The target (`provider/model`). */
  readonly key: string
}

/** The store key submissions of `target` are counted under. */
export function submissionKey(target: string): string {
  return `${target}:submissions`
}

/**
 * Provider factories whose animators also count a target's `limits.ratePerSecond` on the paid
 * submission itself, in a shared `RateLimitStore`: the slot is taken in `onSubmitting`, which
 * every paid adapter calls after its uploads and right before the request that creates the job
 * (whatever HTTP client it uses: fal's through the `fetch` setting, Magic Hour's SDK through its
 * own). The router counts its limits when an attempt starts; uploads take a varying time after
 * that, so without this a provider could see submissions bunched above its limit. A 429 answer
 * with Retry-After seen by the adapter's `fetch` pauses the target (the router's key, and the
 * submissions key) for every process.
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
      return limitedProvider(provider, { loaded, store, current })
    }
  }
  return factories
}

function limitedFetch(own: typeof fetch | undefined, store: RateLimitStore, current: AsyncLocalStorage<CurrentCall>): typeof fetch {
  return async (input, init) => {
    const call = current.getStore()
    const response = await (own ?? fetch)(input, init)
    if (call && response.status === 429) {
      const seconds = Number(response.headers.get('retry-after'))
      if (seconds > 0) await Promise.all([store.pause(call.key, Date.now() + seconds * 1000), store.pause(submissionKey(call.key), Date.now() + seconds * 1000)])
    }
    return response
  }
}

/** What the limited animators share. */
interface Limiting {
  readonly loaded: LoadedConfig
  readonly store: RateLimitStore
  readonly current: AsyncLocalStorage<CurrentCall>
}

function limitedProvider(provider: AnimatorProvider, limiting: Limiting): AnimatorProvider {
  return {
    name: provider.name,
    models: provider.models,
    ...(provider.unconfiguredReason === undefined ? {} : { unconfiguredReason: provider.unconfiguredReason }),
    animator: (modelId) => limitedAnimator(provider.animator(modelId), limiting),
  }
}

function limitedAnimator(animator: PortraitAnimator, { loaded, store, current }: Limiting): PortraitAnimator {
  const key = `${animator.provider}/${animator.modelId}`
  const ratePerSecond = ownEntry(loaded.config.targets, key)?.limits?.ratePerSecond
  const limited: PortraitAnimator = Object.create(animator) as PortraitAnimator
  return Object.assign(limited, {
    // The call's key reaches the adapter's fetch through async context; the submission's
    // rate slot is taken right before the paid request, then the caller's own onSubmitting runs.
    animate: (request: AnimationRequest, options: CallOptions = {}) => {
      const counted: CallOptions = ratePerSecond === undefined ? options : {
        ...options,
        onSubmitting: async () => {
          const release = await store.acquire(submissionKey(key), { ratePerSecond }, options.signal)
          await release()
          await options.onSubmitting?.()
        },
      }
      return current.run({ key }, () => animator.animate(request, counted))
    },
  })
}
