import type { FalCallRegistry } from './fal-call.js'
import { mayCarryKey, rewriteFalUrl } from './fal-hosts.js'
import { FalUnretriedFailure } from './fal-unretried-failure.js'

/** Options of `createFalFetch`. */
export interface FalFetchOptions {
  /** Stands in for every fal API host (queue, run, rest, upload initiation). */
  readonly baseUrl?: URL | undefined
  /** The fetch that really sends; @default global `fetch` */
  readonly fetch?: typeof globalThis.fetch | undefined
  /** Calls in flight, found by the signal the client passes to `fetch`. */
  readonly calls: FalCallRegistry
  /** Milliseconds to wait for response headers of requests without an upload body. */
  readonly requestTimeoutMs: number
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
 * - gives up on a request whose headers do not come within `requestTimeoutMs` (uploads excepted).
 */
export function createFalFetch(options: FalFetchOptions): typeof globalThis.fetch {
  const upstream = options.fetch ?? globalThis.fetch
  return async function falFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const original = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url)
    const target = rewriteFalUrl(original, options.baseUrl)
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined))
    if (!mayCarryKey(target, options.baseUrl)) headers.delete('authorization')
    const call = options.calls.find(init?.signal)
    const watchHeaders = init?.body === undefined || init.body === null || typeof init.body === 'string'
    // Only the wait for the headers is timed: a status stream may then stay open for minutes.
    const headersTimeout = watchHeaders ? new AbortController() : undefined
    const timer = headersTimeout
      ? setTimeout(() => headersTimeout.abort(new DOMException('fal did not answer in time.', 'TimeoutError')), options.requestTimeoutMs)
      : undefined
    const signal = init?.signal && headersTimeout ? AbortSignal.any([init.signal, headersTimeout.signal]) : (init?.signal ?? headersTimeout?.signal)
    // `mode: 'cors'` is a browser notion the client adds; a custom fetch need not understand it.
    const forwarded: RequestInit = { ...init, headers }
    delete forwarded.mode
    if (signal) forwarded.signal = signal
    let response: Response
    try {
      if (call) {
        call.sent = true
        call.requests += 1
      }
      response = await upstream(target.href, forwarded)
    } catch (error) {
      const timedOut = headersTimeout?.signal.aborted === true && init?.signal?.aborted !== true
      if (call && !call.retry) throw new FalUnretriedFailure({ transportError: error, timedOut })
      if (timedOut) {
        // ETIMEDOUT is a code the client retries for the calls it may retry (status, result).
        throw Object.assign(new Error(`fal did not answer within ${options.requestTimeoutMs} ms.`), { code: 'ETIMEDOUT' })
      }
      throw error
    } finally {
      clearTimeout(timer)
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
    throw new FalUnretriedFailure({ transportError: error })
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
