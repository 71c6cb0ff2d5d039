import { CONFIG_DEFAULTS, ownEntry, registerSecret, type AnimatorProvider, type AnimatorProviderFactory, type LoadedConfig, type PortraitAnimator, type ResolvedProvider } from '@portrait-animator/core'
import { DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js'
import { TargetBreaker } from './policies/breaker.js'
import { TargetLimiter } from './policies/limiter.js'
import { VENDOR_ENDPOINT } from './retirement-store.js'
import type { BreakerStore } from './state/breaker-store.js'
import type { RateLimitStore } from './state/rate-limit-store.js'

/** Everything the router keeps about one target. */
export interface TargetEntry {
  /** `provider/model`. */
  readonly id: string
  readonly providerName: string
  readonly modelId: string
  /** The animator, when its provider could be loaded. */
  readonly animator?: PortraitAnimator
  /** Why the target cannot be called as configured (missing key, adapter not installed). */
  readonly unconfiguredReason?: string
  /** True when a custom `baseUrl` points the provider somewhere other than its vendor. */
  readonly customBaseUrl: boolean
  /** The endpoint a retirement is remembered for: the `baseUrl`, or `vendor` (see `RetirementRecord`). */
  readonly endpoint: string
  readonly breaker: TargetBreaker
  readonly limiter: TargetLimiter
  readonly backoff: BackoffPolicy
  readonly timeoutMs?: number
}

/** How the router obtains providers. */
export interface ProviderSources {
  /** Factories by adapter name; take precedence over importing `@portrait-animator/adapter-<name>`. */
  readonly factories?: Readonly<Record<string, AnimatorProviderFactory>>
  /** Ready animators by target id (`fal/live-portrait`); take precedence over everything. */
  readonly animators?: Readonly<Record<string, PortraitAnimator>>
  readonly now: () => number
  /** Where every target's breaker is kept. */
  readonly breakerStore: BreakerStore
  /** Where every target's limits are counted. */
  readonly rateLimitStore: RateLimitStore
}

/** Every target id the configuration mentions, in first-mention order. */
export function referencedTargets(loaded: LoadedConfig): string[] {
  const ids = new Set<string>()
  for (const route of Object.values(loaded.config.routes)) {
    for (const target of route.targets) ids.add(typeof target === 'string' ? target : target.target)
    if (route.strategy === 'shadow') for (const target of route.shadow) ids.add(target)
  }
  return [...ids]
}

/** Loads every provider the routes use and builds one entry per target. */
export async function buildTargets(loaded: LoadedConfig, sources: ProviderSources): Promise<Map<string, TargetEntry>> {
  const config = loaded.config
  const providers = new Map<string, { provider?: AnimatorProvider; reason?: string }>()
  const entries = new Map<string, TargetEntry>()
  const breakerSettings = {
    failureThreshold: config.breaker?.failureThreshold ?? CONFIG_DEFAULTS.breaker.failureThreshold,
    cooldownMs: config.breaker?.cooldownMs ?? CONFIG_DEFAULTS.breaker.cooldownMs,
  }
  for (const id of referencedTargets(loaded)) {
    const [providerName = '', modelId = ''] = id.split('/')
    const resolved = loaded.providers.get(providerName)!
    let animator = ownEntry(sources.animators, id)
    let unconfiguredReason: string | undefined
    if (!animator) {
      if (!providers.has(providerName)) providers.set(providerName, await loadProvider(resolved, sources))
      const { provider, reason } = providers.get(providerName)!
      unconfiguredReason = resolved.missingKeyReason ?? reason ?? provider?.unconfiguredReason
      if (provider && !reason) {
        try {
          animator = provider.animator(modelId)
        } catch (error) {
          unconfiguredReason = `cannot create ${id}: ${(error as Error).message}`
        }
      }
    }
    const settings = ownEntry(config.targets, id)
    const retry = { ...config.retry, ...settings?.retry }
    entries.set(id, {
      id,
      providerName,
      modelId,
      ...(animator ? { animator } : {}),
      ...(unconfiguredReason ? { unconfiguredReason } : {}),
      customBaseUrl: resolved.baseUrl !== undefined,
      endpoint: resolved.baseUrl ?? VENDOR_ENDPOINT,
      breaker: new TargetBreaker(sources.breakerStore, id, breakerSettings, sources.now),
      limiter: new TargetLimiter(sources.rateLimitStore, id, { ...settings?.limits }),
      backoff: {
        maxAttempts: retry.maxAttempts ?? DEFAULT_BACKOFF.maxAttempts,
        baseDelayMs: retry.baseDelayMs ?? DEFAULT_BACKOFF.baseDelayMs,
        maxDelayMs: retry.maxDelayMs ?? DEFAULT_BACKOFF.maxDelayMs,
        maxRetryAfterMs: retry.maxRetryAfterMs ?? DEFAULT_BACKOFF.maxRetryAfterMs,
      },
      ...(settings?.timeoutMs ? { timeoutMs: settings.timeoutMs } : {}),
    })
  }
  return entries
}

async function loadProvider(resolved: ResolvedProvider, sources: ProviderSources): Promise<{ provider?: AnimatorProvider; reason?: string }> {
  registerSecret(resolved.apiKey)
  let factory = ownEntry(sources.factories, resolved.adapter)
  if (!factory) {
    const packageName = `@portrait-animator/adapter-${resolved.adapter}`
    try {
      const module = (await import(packageName)) as { createProvider?: AnimatorProviderFactory }
      factory = module.createProvider
      if (!factory) return { reason: `${packageName} does not export createProvider` }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      return {
        reason: code === 'ERR_MODULE_NOT_FOUND' ? `${packageName} is not installed` : `${packageName} failed to load: ${(error as Error).message}`,
      }
    }
  }
  try {
    const settings = {
      ...resolved.settings,
      ...(resolved.apiKey ? { apiKey: resolved.apiKey } : {}),
      ...(resolved.baseUrl ? { baseUrl: resolved.baseUrl } : {}),
    }
    return { provider: factory(settings) }
  } catch (error) {
    return { reason: `the ${resolved.name} provider could not be created: ${(error as Error).message}` }
  }
}
