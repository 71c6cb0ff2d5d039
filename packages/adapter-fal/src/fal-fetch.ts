import { createPooledFetch, networkErrorCode, UNDICI_TIMEOUT_CODES, withDeadline, type Deadline } from '@portrait-animator/core'
import type { FalCallRegistry } from './fal-call.js'
import { mayCarryKey, rewriteFalUrl } from './fal-hosts.js'
import { FalUnretriedFailure } from './fal-unretried-failure.js'

/** Options of `createFalFetch`. */
export interface FalFetchOptions {
  /** Stands in for every fal API host (queue, run, rest, upload initiation). */
  readonly baseUrl?: URL | undefined
  /**
   * The fetch that really sends; its requests are timed from when `fetch` is called.
   * @default undici's fetch over core's shared pool (`createPooledFetch`), timed from when each request is sent
   */
  readonly fetch?: typeof globalThis.fetch | undefined
  /** Calls in flight, found by the signal the client passes to `fetch`. */
  readonly calls: FalCallRegistry
  /** Milliseconds to wait for response headers (and, on the pool, between body chunks). */
  readonly requestTimeoutMs: number
  /**
   * Connections per fal origin in the pool for every request but the status event streams
   * (ignored with `fetch`). Requests beyond it wait for a free connection without their timeout
   * running.
   * @default 256
   */
  readonly connectionsPerOrigin?: number | undefined
}

/**
 * The `fetch` given to `createFalClient`. It is the one hook that sees every request the client
 * makes, the raw upload PUT included, so it:
 * - sends requests for fal's API hosts to `baseUrl` (same path and query), and nothing else;
 * - removes `Authorization` from any request not bound for fal's API hosts or the `baseUrl` origin;
 * - records each response's status and headers on the call it belongs to (the client drops them);
 * - for calls that must not be retried (submits), and for any answer fal marks
 *   `X-Fal-Retryable: false`, turns the failure into a `FalUnretriedFailure`, which the client's
 *   retry loop does not retry;
 * - gives up on a request whose headers do not come within `requestTimeoutMs`. On the default
 *   pool (keep-alive, a pool per origin) undici times it from when the request is written to a
 *   connection, so a request queued for a connection under load does not time out; the body is
 *   timed between chunks, except an event stream's (the client has its own idle limit). With a
 *   custom `fetch` the clock starts at the call, and uploads are not timed.
 */
export function createFalFetch(options: FalFetchOptions): typeof globalThis.fetch {
  const send = options.fetch ? customSender(options.fetch, options.requestTimeoutMs) : pooledSender(options.requestTimeoutMs, options.connectionsPerOrigin)
  return async function falFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const original = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url)
    const target = rewriteFalUrl(original, options.baseUrl)
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined))
    if (!mayCarryKey(target, options.baseUrl)) headers.delete('authorization')
    const call = options.calls.find(init?.signal)
    // `mode: 'cors'` is a browser notion the client adds; a custom fetch need not understand it.
    const forwarded: RequestInit = { ...init, headers }
    delete forwarded.mode
    let response: Response
    try {
      if (call) {
        call.sent = true
        call.requests += 1
      }
      response = await send(target.href, forwarded)
    } catch (error) {
      const timedOut = error instanceof FalTimeout
      const transportError = timedOut ? error.transportError : error
      if (call && !call.retry) throw new FalUnretriedFailure({ transportError, timedOut })
      if (timedOut) {
        // ETIMEDOUT is a code the client retries for the calls it may retry (status, result).
        throw Object.assign(new Error(`fal did not answer within ${options.requestTimeoutMs} ms.`), { code: 'ETIMEDOUT' })
      }
      throw error
    }
    if (call) call.exchange = { status: response.status, headers: response.headers }
    // fal's own verdict wins over the client's status list: `X-Fal-Retryable: false` is not retried.
    const notRetryable = response.headers.get('x-fal-retryable')?.trim().toLowerCase() === 'false'
    if (!response.ok && ((call && !call.retry) || notRetryable)) {
      throw new FalUnretriedFailure({ status: response.status, headers: response.headers, body: await readBody(response) })
    }
    // The client reads the body in its retry loop: a connection reset there would be retried, and a
    // submit sent again. So a no-retry call's body is read here, where a failure is not retried.
    if (call && !call.retry) return bufferedCopy(response)
    return response
  }
}

async function bufferedCopy(response: Response): Promise<Response> {
  let body: ArrayBuffer
  try {
    body = await response.arrayBuffer()
  } catch (error) {
    throw new FalUnretriedFailure({ transportError: error, timedOut: isUndiciTimeout(error) })
  }
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers })
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => '')
  if (text === '') return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

/** Sends one request; a timeout rejects with a `FalTimeout` holding what the transport threw. */
type Sender = (url: string, init: RequestInit) => Promise<Response>

/** The request timed out (not the caller's abort). Never leaves `falFetch`. */
class FalTimeout extends Error {
  constructor(readonly transportError: unknown) {
    super('fal did not answer in time.')
  }
}

function isUndiciTimeout(error: unknown): boolean {
  const code = networkErrorCode(error)
  return code !== undefined && UNDICI_TIMEOUT_CODES.has(code)
}

/**
 * The default: core's shared pool, with undici timing the headers from when the request is
 * written to a connection. Event streams (one per job followed, open until the job ends) go
 * through a pool without a cap, so they never hold up submits and result calls queued behind them;
 * their body is not timed (it may stay quiet while the job waits; the client has its own idle
 * limit). Every other request shares the capped pool, its body timed between chunks.
 */
function pooledSender(timeoutMs: number, connectionsPerOrigin: number | undefined): Sender {
  const timed = createPooledFetch({ ...(connectionsPerOrigin === undefined ? {} : { connectionsPerOrigin }), headersMs: timeoutMs, bodyMs: timeoutMs })
  const streaming = createPooledFetch({ connectionsPerOrigin: Number.POSITIVE_INFINITY, headersMs: timeoutMs, bodyMs: 0 })
  return async (url, init) => {
    const eventStream = new Headers(init.headers).get('accept')?.includes('text/event-stream') === true
    try {
      return await (eventStream ? streaming : timed)(url, init)
    } catch (error) {
      if (isUndiciTimeout(error) && init.signal?.aborted !== true) throw new FalTimeout(error)
      throw error
    }
  }
}

/**
 * A caller's own `fetch`: the clock for the headers starts at the call (the pool is not ours to
 * time), composed with the client's signal by `withDeadline`. Uploads are not timed.
 */
function customSender(upstream: typeof globalThis.fetch, timeoutMs: number): Sender {
  return async (url, init) => {
    const watchHeaders = init.body === undefined || init.body === null || typeof init.body === 'string'
    const deadline: Deadline | undefined = watchHeaders ? withDeadline(init.signal ?? undefined, timeoutMs, 'fal did not answer in time.') : undefined
    try {
      return await upstream(url, deadline ? { ...init, signal: deadline.signal } : init)
    } catch (error) {
      if (deadline?.timedOut === true && init.signal?.aborted !== true) throw new FalTimeout(error)
      throw error
    } finally {
      // Only the wait for the headers is timed: a status stream may then stay open for minutes.
      deadline?.clear()
    }
  }
}
