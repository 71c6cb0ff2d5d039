import type { AnimationRequest, AnimationResult, CallOptions, PortraitAnimator } from '@portrait-animator/core'
import type { Router } from '@portrait-animator/router'

/** One loaded configuration as the server uses it. */
export interface ServedRouter {
  /** The router built from the config. */
  readonly router: Router
  /** What serves each request: the router itself, or one of its routes (`--route`). */
  readonly animator: PortraitAnimator
  /** The route live-photo requests go to, for readiness. */
  readonly routeName: string
  /** Where the config came from: a file path, or `built-in default`. */
  readonly source: string
}

/** What replacing the config did to the one it replaced. */
export interface SwapOutcome {
  /** Requests still running on the replaced router when it was replaced. */
  readonly draining: number
  /** Resolves once those requests have finished and the replaced router has settled. */
  readonly drained: Promise<void>
}

/** A `PortraitAnimator` whose router can be replaced while it serves. */
export interface ReloadableRouter {
  /** Serves each request on the router current when the request starts, until it ends. */
  readonly animator: PortraitAnimator
  /** The router new requests go to. */
  current(): ServedRouter
  /**
   * Sends new requests to `next`. Requests already running finish on the router they started on;
   * that router is settled (background work such as shadow runs awaited) once the last one ends.
   */
  swap(next: ServedRouter): SwapOutcome
  /** Retires the current router too and resolves once every router has drained and settled. */
  close(): Promise<void>
}

interface Generation {
  readonly served: ServedRouter
  active: number
  retired: boolean
  readonly drained: Promise<void>
  readonly finish: () => void
}

/**
 * Holds the served router and swaps it on a config reload without cutting a request short: each
 * request keeps the router it started on (a paid job is never abandoned by a reload).
 *
 * @param attach called for each router as it starts serving (metrics listeners); the function it
 *   returns is called once that router has drained
 * @example
 * ```ts
 * const served = createReloadableRouter(await load())
 * process.on('SIGHUP', async () => served.swap(await load()))
 * await startAilabCompatibleServer({ animator: served.animator, apiKeys })
 * ```
 */
export function createReloadableRouter(first: ServedRouter, attach: (router: Router) => () => void = () => () => {}): ReloadableRouter {
  const generations = new Set<Generation>()
  let current = generation(first)

  function generation(served: ServedRouter): Generation {
    const detach = attach(served.router)
    let resolve!: () => void
    const drained = new Promise<void>((done) => (resolve = done))
    const entry: Generation = {
      served,
      active: 0,
      retired: false,
      drained,
      finish: () => {
        // Settling never throws in practice; a failure must not keep close() waiting forever.
        void served.router
          .settle()
          .catch(() => {})
          .finally(() => {
            detach()
            generations.delete(entry)
            resolve()
          })
      },
    }
    generations.add(entry)
    return entry
  }

  function retire(entry: Generation): void {
    if (entry.retired) return
    entry.retired = true
    if (entry.active === 0) entry.finish()
  }

  const animator: PortraitAnimator = {
    specificationVersion: 'v1',
    provider: 'router',
    get modelId() {
      return current.served.animator.modelId
    },
    get capabilities() {
      return current.served.animator.capabilities
    },
    async animate(request: AnimationRequest, options?: CallOptions): Promise<AnimationResult> {
      const entry = current
      entry.active++
      try {
        return await entry.served.animator.animate(request, options)
      } finally {
        entry.active--
        if (entry.retired && entry.active === 0) entry.finish()
      }
    },
  }

  return {
    animator,
    current: () => current.served,
    swap(next) {
      const old = current
      current = generation(next)
      const draining = old.active
      retire(old)
      return { draining, drained: old.drained }
    },
    async close() {
      retire(current)
      await Promise.all([...generations].map((entry) => entry.drained))
    },
  }
}
