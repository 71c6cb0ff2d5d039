import { ownEntry, PortraitAnimatorError, type AnimationRequest, type ParsedRouterConfig, type RouteConfig } from '@portrait-animator/core'

/** The route serving `request`: the one named, else the motion's (`motionRoutes`), else `default`. */
export function routeFor(config: ParsedRouterConfig, request: AnimationRequest, name?: string): [string, RouteConfig] {
  const routeName = name ?? ownEntry(config.motionRoutes, request.motion.type) ?? 'default'
  const route = typeof routeName === 'string' ? ownEntry(config.routes, routeName) : undefined
  if (!route) throw unknownRoute(config, String(routeName))
  return [routeName, route]
}

/** The `invalid_config` error for a route name the config does not have. */
export function unknownRoute(config: ParsedRouterConfig, name: string): PortraitAnimatorError {
  const routes = Object.keys(config.routes).join(', ')
  return new PortraitAnimatorError({ kind: 'invalid_config', message: `There is no route named "${name}" (routes: ${routes}).`, field: 'route', rule: 'unknown-route', limit: routes, actual: name })
}

/** The target ids of a route, in order. */
export function routeTargetIds(route: RouteConfig): string[] {
  return route.targets.map((target) => (typeof target === 'string' ? target : target.target))
}
