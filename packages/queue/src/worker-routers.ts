import { PortraitAnimatorError, type AnimationResult, type AnimatorProviderFactory, type LoadedConfig, type ParsedRouterConfig, type RouteConfig } from '@portrait-animator/core'
import { createRouter, MemoryJobJournal, type BreakerStore, type JobJournal, type JournalEntry, type RateLimitStore, type RetirementStore, type Router, type RouterEventListener } from '@portrait-animator/router'

/** What a worker builds its routers from. */
export interface WorkerRouterOptions {
  readonly loaded: LoadedConfig
  readonly env?: Readonly<Record<string, string | undefined>>
  /** The shared retirement store: a retirement one worker learns is seen by all. */
  readonly retirements: RetirementStore
  /** The shared breakers (one opens for all workers; one probe at a time). @default the router's memory store */
  readonly breakerStore?: BreakerStore
  /** The shared per-target limits and 429 pauses. @default the router's memory store */
  readonly rateLimitStore?: RateLimitStore
  /** Factories (e.g. `sharedLimitFactories`), by adapter name. */
  readonly factories?: Readonly<Record<string, AnimatorProviderFactory>>
  readonly allowPrivateNetwork?: boolean
  readonly onEvent?: RouterEventListener
  /** Milliseconds between status polls when resuming a journaled job. @default 500 */
  readonly resumePollIntervalMs?: number
}

/** The route a job for one target (`--target`) runs on. */
export function targetRouteName(target: string): string {
  return `target:${target}`
}

/**
 * The router a worker serves jobs with. It is rebuilt when the shared retirements change (so a
 * target another worker found retired is skipped here too) or when a job names a target the
 * current router has no route for. The worker's router journals nothing itself: the queue journals
 * each job's provider handle in Redis under the job's id.
 */
export class WorkerRouters {
  private current: { signature: string; router: Promise<Router> } | undefined
  private readonly targets = new Set<string>()

  constructor(private readonly options: WorkerRouterOptions) {}

  /** The router for a job (with a route for `target`, when the job names one). */
  async get(target?: string): Promise<Router> {
    if (target) this.targets.add(target)
    const retired = (await this.options.retirements.list()).map((record) => `${record.target}@${record.endpoint}`).sort()
    const signature = JSON.stringify([retired, [...this.targets].sort()])
    if (this.current?.signature !== signature) {
      const router = this.build(this.document(false))
      this.current = { signature, router }
      router.catch(() => (this.current = undefined))
    }
    return this.current.router
  }

  /**
   * Follows a provider job that a worker submitted and journaled before it died, without
   * submitting it again (the router's `resume()`, for this one entry).
   */
  async resume(entry: JournalEntry, signal?: AbortSignal): Promise<AnimationResult> {
    const journal = new MemoryJobJournal()
    await journal.record(entry)
    const router = await this.build(this.document(false), journal)
    const [outcome] = await router.resume(signal ? { signal } : {})
    if (outcome?.result) return outcome.result
    throw outcome?.error ?? new PortraitAnimatorError({ kind: 'unavailable', message: `Could not resume ${entry.target} job ${entry.handle.jobId}.` })
  }

  private document(journal: boolean): ParsedRouterConfig {
    const config = this.options.loaded.config
    const extra: Record<string, RouteConfig> = {}
    for (const target of this.targets) extra[targetRouteName(target)] = { strategy: 'fallback', targets: [target] }
    return { ...config, journal, routes: { ...config.routes, ...extra } }
  }

  private build(document: ParsedRouterConfig, journal?: JobJournal): Promise<Router> {
    const options = this.options
    return createRouter(document, {
      ...(options.env ? { env: options.env } : {}),
      ...(options.factories ? { factories: options.factories } : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      ...(options.resumePollIntervalMs ? { resumePollIntervalMs: options.resumePollIntervalMs } : {}),
      retirementStore: options.retirements,
      ...(journal ? { journal } : {}),
      ...(options.breakerStore ? { breakerStore: options.breakerStore } : {}),
      ...(options.rateLimitStore ? { rateLimitStore: options.rateLimitStore } : {}),
      allowPrivateNetwork: options.allowPrivateNetwork === true,
    })
  }
}
