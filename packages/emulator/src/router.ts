import type { IncomingMessage } from 'node:http'
import type { FaultEffect } from './fault-types.js'
import type { Reply } from './reply.js'

/** Everything a route handler gets for one request. */
export interface RouteContext {
  readonly request: IncomingMessage
  readonly url: URL
  /** Named groups of the route's path pattern. */
  readonly params: Readonly<Record<string, string>>
  /** Aborted when the client goes away or the emulator stops. */
  readonly signal: AbortSignal
  /** The fault effect chosen for this request, if any (handlers honour `noFace`). */
  readonly fault: FaultEffect | undefined
  /** Reads the whole body, up to the limit. @default limit 64 MiB */
  readBody(limitBytes?: number): Promise<Buffer>
}

/** One route of one provider. */
export interface Route {
  readonly method: string
  /** Matched against the URL path; named groups become `params`. */
  readonly path: RegExp
  /** The fault route name (`fal.submit`), or `undefined` for routes faults never touch. */
  readonly faultRoute?: string
  readonly handle: (context: RouteContext) => Promise<Reply>
  /** The provider's error reply for an injected status (and for unexpected handler errors). */
  readonly faultReply?: (status: number, effect: FaultEffect) => Reply
  /** The provider's answer when the route is retired. */
  readonly retiredReply?: () => Reply
}

/**
 * Turns `/v1/video-projects/:id` into a pattern with a named group per `:name`.
 *
 * @example
 * ```ts
 * pathPattern('/v1/video-projects/:id').exec('/v1/video-projects/cm1')?.groups // { id: 'cm1' }
 * ```
 */
export function pathPattern(template: string): RegExp {
  const source = template
    .split('/')
    .map((part) => (part.startsWith(':') ? `(?<${part.slice(1)}>[^/]+)` : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/')
  return new RegExp(`^${source}$`)
}

/** Finds the first route whose method and path match. */
export function matchRoute(
  routes: readonly Route[],
  method: string,
  pathname: string,
): { readonly route: Route; readonly params: Record<string, string> } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue
    const match = route.path.exec(pathname)
    if (!match) continue
    const params: Record<string, string> = {}
    for (const [name, value] of Object.entries(match.groups ?? {})) {
      if (value !== undefined) params[name] = decodeURIComponent(value)
    }
    return { route, params }
  }
  return undefined
}
