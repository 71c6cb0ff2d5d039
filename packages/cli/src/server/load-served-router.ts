import type { CliIo } from '../cli-io.js'
import { openRouter } from '../open-router.js'
import type { ServedRouter } from './reloadable-router.js'

/** Which config and route `serve` uses: the same flags at start and on every reload. */
export interface ServedRouterOptions {
  /** `--config`; without it the usual lookup applies (variable, then ./portrait-animator.json, then the built-in default). */
  readonly config?: string | undefined
  /** `--route`; without it, the config's route for presets, else `default`. */
  readonly route?: string | undefined
}

/**
 * Loads and validates the config the way `serve` uses it: the whole file is checked by the config
 * schema, every adapter is built, and the served route must exist. Throws a
 * `PortraitAnimatorError` (kind `invalid_config`) otherwise, so a reload can keep the old router.
 */
export async function loadServedRouter(io: CliIo, options: ServedRouterOptions): Promise<ServedRouter> {
  const router = await openRouter(io, options.config ? { config: options.config } : {})
  // The route the router picks for the live-photo preset every request asks for.
  const routeName = options.route ?? router.config.config.motionRoutes?.preset ?? 'default'
  // Throws when the route is missing, so a config without it is refused rather than served.
  const routed = router.route(routeName)
  const source = router.config.source === '(default)' ? 'built-in default' : router.config.source
  return { router, animator: options.route ? routed : router, routeName, source }
}
