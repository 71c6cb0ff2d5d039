import type { Router, TargetInfo } from '@portrait-animator/router'

/** Whether one target of the served route could take a live-photo request now, and if not, why. */
export type TargetState = 'ready' | 'unconfigured' | 'retired' | 'breaker-open' | 'unsupported'

/** What `/readyz` reports: ready or not, and why. */
export interface ServerReadiness {
  readonly ready: boolean
  /** Why the server cannot serve, when it cannot. */
  readonly reason?: string
  /** The route requests go to. */
  readonly route?: string
  /** Each target of that route with its state. */
  readonly targets?: readonly { readonly target: string; readonly state: TargetState }[]
}

/**
 * Whether `routeName` of `router` could serve an AILab live-photo request now, from the router's own
 * view (configuration, lifecycle, breaker state, capabilities), without calling or paying anyone.
 * Cheap enough to compute on every health check: `targets()` reads in-memory state only.
 *
 * @example
 * ```ts
 * routeReadiness(router, 'default') // { ready: false, reason: 'every target of route "default" is skipped', targets: [{ target: 'fal/live-portrait', state: 'unconfigured' }] }
 * ```
 */
export function routeReadiness(router: Pick<Router, 'config' | 'targets'>, routeName: string): ServerReadiness {
  const routes = router.config.config.routes
  const route = Object.hasOwn(routes, routeName) ? routes[routeName] : undefined
  if (!route) return { ready: false, route: routeName, reason: `the config has no route "${routeName}"` }
  const infos = new Map(router.targets().map((info) => [info.target, info]))
  const targets = route.targets.map((entry) => {
    const target = typeof entry === 'string' ? entry : entry.target
    return { target, state: targetState(infos.get(target)) }
  })
  if (targets.some((target) => target.state === 'ready')) return { ready: true, route: routeName, targets }
  return { ready: false, route: routeName, reason: `every target of route "${routeName}" is skipped`, targets }
}

/** Mirrors the router's skip checks that do not depend on the request's bytes. */
function targetState(info: TargetInfo | undefined): TargetState {
  if (!info || !info.configured) return 'unconfigured'
  // `targets()` gives a configured target a reason only when its provider retired it.
  if (info.reason !== undefined || info.breaker === 'retired') return 'retired'
  if (info.breaker === 'open') return 'breaker-open'
  const capabilities = info.capabilities
  if (!capabilities || !capabilities.motions.includes('preset') || !capabilities.presets.includes('live-photo') || !capabilities.outputs.includes('video')) return 'unsupported'
  return 'ready'
}
