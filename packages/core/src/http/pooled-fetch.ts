import { fetch as undiciFetch, type Dispatcher } from 'undici'
import { DEFAULT_CONNECTIONS_PER_ORIGIN, sharedAgent, withTimeouts, type DispatchTimeouts } from './shared-pool.js'

/** Options of `createPooledFetch`. */
export interface PooledFetchOptions extends DispatchTimeouts {
  /**
   * Connections per origin in the shared pool. Requests beyond it wait for a free connection
   * without their timeouts running. `Infinity`: no cap (for long-lived streams).
   * @default 256
   */
  readonly connectionsPerOrigin?: number
  /** An undici dispatcher to use instead of the shared pool (e.g. `MockAgent` in tests). */
  readonly dispatcher?: Dispatcher
}

/**
 * A `fetch` over the shared keep-alive pool of core's HTTP client (a pool per origin), with the
 * timeouts undici applies itself: the wait for the headers is timed from when the request is
 * written to a connection, so requests queued for a connection never time out while they wait.
 * For SDKs that take a `fetch` (fal's client); adapters' own calls use `createHttpClient`.
 * A timeout rejects with a `TypeError` whose `cause` has the code `UND_ERR_HEADERS_TIMEOUT` or
 * `UND_ERR_BODY_TIMEOUT` (see `networkErrorCode`). A `Request` as the input gives only its URL:
 * pass the method, headers and body in `init`.
 *
 * @example
 * ```ts
 * const fetch = createPooledFetch({ headersMs: 30_000, bodyMs: 30_000 })
 * const client = createFalClient({ fetch })
 * ```
 */
export function createPooledFetch(options: PooledFetchOptions): typeof globalThis.fetch {
  const dispatcher = withTimeouts(options.dispatcher ?? sharedAgent(options.connectionsPerOrigin ?? DEFAULT_CONNECTIONS_PER_ORIGIN), options)
  return async function pooledFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const url = typeof input === 'string' || input instanceof URL ? input : input.url
    return (await undiciFetch(url, { ...init, dispatcher } as never)) as unknown as Response
  }
}
