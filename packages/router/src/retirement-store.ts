import { CONFIG_DEFAULTS } from '@portrait-animator/core'

/** What is remembered about a target that answered `retired`. */
export interface RetirementRecord {
  /** `provider/model`. */
  readonly target: string
  /**
   * The endpoint that answered: the provider's configured `baseUrl`, or `vendor` for the provider's
   * own. A retirement applies only to the endpoint that answered it, so pointing the target at
   * another server (a private deployment, `portrait-animator serve`) calls it again.
   */
  readonly endpoint: string
  /** When it answered, as an ISO date. */
  readonly at: string
  readonly reason: string
}

/** The endpoint name used when a provider has no `baseUrl` of its own. */
export const VENDOR_ENDPOINT = 'vendor'

/**
 * Where the router remembers retired targets across restarts. The default is a file in
 * `stateDir` (`FileRetirementStore`); `MemoryRetirementStore` keeps them for one process; a shared
 * store (Redis, a database) lets every worker learn a retirement once.
 *
 * @example
 * ```ts
 * const router = await createRouter(config, { retirementStore: new MemoryRetirementStore() })
 * console.log(await router.retirements())
 * await router.forgetRetirement('ailab/live-photo') // called again on the next request
 * ```
 */
export interface RetirementStore {
  /** Retirements in force: remembered, and not older than the store's recheck time. */
  list(): Promise<RetirementRecord[]>
  /** Remembers one retirement (replacing an earlier one of the same target and endpoint). */
  remember(record: RetirementRecord): Promise<void>
  /**
   * Forgets the retirements of `target` at `endpoint` (at every endpoint when omitted).
   * @returns how many were forgotten
   */
  forget(target: string, endpoint?: string): Promise<number>
}

/** Options of the built-in retirement stores. */
export interface RetirementStoreOptions {
  /**
   * How long a remembered retirement keeps its target skipped; after it, the target is called
   * again once (and remembered again if it still answers `retired`). Providers do not come back
   * from retirement, but a `baseUrl` may be pointed at a new server, and a misread answer should
   * not stick for ever.
   * @default 604800000 (7 days)
   */
  readonly recheckAfterMs?: number
  /** Clock. @default Date.now */
  readonly now?: () => number
}

/** The default of `recheckAfterMs`: 7 days. */
export const DEFAULT_RETIREMENT_RECHECK_MS: number = CONFIG_DEFAULTS.breaker.retiredRecheckMs

/** The key of one retirement: its target alone at the vendor's endpoint (the pre-0.2 file format), else target and endpoint. */
export function retirementKey(target: string, endpoint: string): string {
  return endpoint === VENDOR_ENDPOINT ? target : `${target} @ ${endpoint}`
}

/** True when `record` is still in force at `nowMs`. */
export function inForce(record: RetirementRecord, nowMs: number, recheckAfterMs: number): boolean {
  const at = Date.parse(record.at)
  return Number.isFinite(at) && nowMs - at < recheckAfterMs
}
