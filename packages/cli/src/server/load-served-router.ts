import { PortraitAnimatorError } from '@portrait-animator/core'
import type { CliIo } from '../cli-io.js'
import { configPathFor, openRouter } from '../open-router.js'
import type { ServedRouter } from './reloadable-router.js'
import { routeReadiness } from './route-readiness.js'

/** Which config and route `serve` uses: the same flags at start and on every reload. */
export interface ServedRouterOptions {
  /** `--config`; without it the usual lookup applies (variable, then ./portrait-animator.json, then the built-in default). */
  readonly config?: string | undefined
  /** `--route`; without it, the config's route for presets, else `default`. */
  readonly route?: string | undefined
  /**
   * Refuse a config whose route has no target that can run (every one unconfigured, unknown,
   * retired or unsupported): on a reload that is a mistake (a typo, a missing key), and the old
   * config keeps serving. At start the server runs anyway and `/readyz` says why it is not ready.
   */
  readonly requireReady?: boolean
}

/**
 * Loads and validates the config the way `serve` uses it: the whole file is checked by the config
 * schema, every adapter is built, and the served route must exist. Throws a
 * `PortraitAnimatorError` (kind `invalid_config`) otherwise, so a reload can keep the old router.
 */
export async function loadServedRouter(io: CliIo, options: ServedRouterOptions): Promise<ServedRouter> {
  // The file is looked up again on every reload: one that appeared since the start is used.
  const path = configPathFor(io, options.config)
  const router = await openRouter(io, options.config ? { config: options.config } : {})
  // The route the router picks for the live-photo preset every request asks for.
  const routeName = options.route ?? router.config.config.motionRoutes?.preset ?? 'default'
  // Throws when the route is missing, so a config without it is refused rather than served.
  const routed = router.route(routeName)
  const readiness = options.requireReady ? routeReadiness(router, routeName) : { ready: true }
  if (!readiness.ready) {
    const skipped = readiness.targets?.map((target) => `${target.target}: ${target.state}`).join(', ')
    throw new PortraitAnimatorError({ kind: 'invalid_config', message: `The config cannot serve: ${readiness.reason ?? 'not ready'}${skipped ? ` (${skipped})` : ''}.`, field: `routes.${routeName}` })
  }
  return { router, animator: options.route ? routed : router, routeName, source: path ?? 'built-in default' }
}
