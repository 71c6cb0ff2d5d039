import { Agent, type Dispatcher } from 'undici'

/** Connections per origin in the shared pool, unless a client asks for another size. */
export const DEFAULT_CONNECTIONS_PER_ORIGIN = 256

/**
 * Longest a connection of the shared pool stays idle, whatever the server's `Keep-Alive: timeout`
 * says (undici keeps a connection until 2 s before that, by default up to 10 min). A request sent on
 * a connection the server is closing fails with ECONNRESET, and a submit is never sent again (it
 * could pay twice), so the pool closes idle connections well before any server with a long
 * keep-alive does, even when this process's event loop is late by seconds.
 */
export const POOL_MAX_IDLE_MS = 10_000

/**
 * Pooled agents shared by every client that does not bring its own, one per pool size: keep-alive
 * connections, a pool of its own for each origin (so downloads from a CDN never wait behind API
 * calls to another host), with at most that many connections per origin.
 */
const sharedAgents = new Map<number, Agent>()

/**
 * The shared keep-alive agent with at most `connections` connections per origin (`Infinity`: no
 * cap, for long-lived streams, one per job in flight, which must not hold up short calls).
 */
export function sharedAgent(connections: number = DEFAULT_CONNECTIONS_PER_ORIGIN): Agent {
  let agent = sharedAgents.get(connections)
  if (agent === undefined) {
    agent = new Agent({ keepAliveTimeout: 10_000, keepAliveMaxTimeout: POOL_MAX_IDLE_MS, connections: Number.isFinite(connections) ? connections : null })
    sharedAgents.set(connections, agent)
  }
  return agent
}

/** The timeouts undici applies itself, in milliseconds; 0 turns one off. */
export interface DispatchTimeouts {
  /** From when the request is written to a connection (refreshed while its body is written) to the response headers. */
  readonly headersMs: number
  /** Between two chunks of the response body while it is read (not while the reader applies backpressure). */
  readonly bodyMs: number
}

const timedDispatchers = new WeakMap<Dispatcher, Map<string, Dispatcher>>()

/**
 * `dispatcher` with undici's own timeouts set on every request: `headersTimeout` starts when the
 * request is written to a connection (not while it waits for one in the pool), and `bodyTimeout`
 * runs between two chunks of the body. One composed dispatcher per dispatcher and timeouts.
 */
export function withTimeouts(dispatcher: Dispatcher, timeouts: DispatchTimeouts): Dispatcher {
  let byTimeouts = timedDispatchers.get(dispatcher)
  if (byTimeouts === undefined) {
    byTimeouts = new Map()
    timedDispatchers.set(dispatcher, byTimeouts)
  }
  const key = `${timeouts.headersMs}/${timeouts.bodyMs}`
  let timed = byTimeouts.get(key)
  if (timed === undefined) {
    timed = dispatcher.compose((dispatch) => (options, handler) => dispatch({ ...options, headersTimeout: timeouts.headersMs, bodyTimeout: timeouts.bodyMs }, handler))
    byTimeouts.set(key, timed)
  }
  return timed
}

/** undici's codes for its own header and body timeouts. */
export const UNDICI_TIMEOUT_CODES: ReadonlySet<string> = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])
