import { PortraitAnimatorError } from '@portrait-animator/core'
import type { ProviderName } from './ledger.js'

/** Requests per second each provider accepts on its paid submission routes (`EmulatorOptions.rateLimits`). */
export type ProviderRateLimits = Partial<Readonly<Record<ProviderName, number>>>

/** The fault-route names of the paid submission routes a provider's rate limit counts. */
export const RATE_LIMITED_ROUTES: readonly string[] = ['ailab.live-photo', 'fal.submit', 'fal.run', 'magichour.create', 'replicate.create']

const PROVIDERS: readonly ProviderName[] = ['ailab', 'fal', 'magichour', 'replicate']

/** What the limiter decided for one request. */
export type RateDecision = { readonly admitted: true } | { readonly admitted: false; readonly provider: ProviderName; readonly limit: number; readonly retryAfterMs: number }

/**
 * Checks `rateLimits`: every value is a positive finite number of requests per second.
 * @throws PortraitAnimatorError (`invalid_config`) otherwise.
 */
export function checkRateLimits(rateLimits: ProviderRateLimits | undefined): void {
  for (const [provider, limit] of Object.entries(rateLimits ?? {})) {
    if (!PROVIDERS.includes(provider as ProviderName)) {
      throw new PortraitAnimatorError({ kind: 'invalid_config', message: `rateLimits: unknown provider "${provider}" (one of ${PROVIDERS.join(', ')}).`, field: 'rateLimits' })
    }
    if (typeof limit !== 'number' || !Number.isFinite(limit) || limit <= 0) {
      throw new PortraitAnimatorError({ kind: 'invalid_config', message: `rateLimits.${provider} must be a positive number of requests per second.`, field: `rateLimits.${provider}` })
    }
  }
}

/**
 * A per-provider limit on paid submissions, as a sliding-window log: no window of one second (of
 * `1 / limit` seconds for limits below 1) ever holds more admitted requests than the limit. A
 * request over it is refused, and is not counted.
 */
export class ProviderRateLimiter {
  readonly #limits: ProviderRateLimits
  readonly #admitted = new Map<ProviderName, number[]>()

  constructor(limits: ProviderRateLimits = {}) {
    this.#limits = limits
  }

  /** Admits (and counts) one request on the fault route `route`, or says how long to wait. */
  admit(route: string, now = Date.now()): RateDecision {
    if (!RATE_LIMITED_ROUTES.includes(route)) return { admitted: true }
    const provider = route.slice(0, route.indexOf('.')) as ProviderName
    const limit = this.#limits[provider]
    if (limit === undefined) return { admitted: true }
    const calls = limit >= 1 ? Math.floor(limit) : 1
    const windowMs = limit >= 1 ? 1000 : Math.ceil(1000 / limit)
    const times = this.#admitted.get(provider) ?? []
    while (times.length > 0 && times[0]! <= now - windowMs) times.shift()
    if (times.length >= calls) {
      this.#admitted.set(provider, times)
      return { admitted: false, provider, limit, retryAfterMs: times[0]! + windowMs - now }
    }
    times.push(now)
    this.#admitted.set(provider, times)
    return { admitted: true }
  }

  /** Forgets the requests counted so far. */
  reset(): void {
    this.#admitted.clear()
  }
}
