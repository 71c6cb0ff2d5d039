import { fetch as undiciFetch, type Dispatcher } from 'undici'
import type { z } from 'zod'
import { PortraitAnimatorError, redact } from '../errors/index.js'
import { writeFileAtomic } from '../output/index.js'
import { networkError, networkErrorCode } from './network-error.js'
import { parseRetryAfter } from './retry-after.js'
import { DEFAULT_CONNECTIONS_PER_ORIGIN, sharedAgent, UNDICI_TIMEOUT_CODES, withTimeouts } from './shared-pool.js'

export { DEFAULT_CONNECTIONS_PER_ORIGIN } from './shared-pool.js'

/** Options for `createHttpClient`. */
export interface HttpClientOptions {
  /** Provider name, used in error messages and on errors. */
  readonly provider: string
  /**
   * A `fetch` to use instead of undici's (a proxy, a test double).
   * @default undici's `fetch` over a shared keep-alive pool
   */
  readonly fetch?: typeof globalThis.fetch
  /** An undici dispatcher for the default fetch (e.g. `MockAgent` in tests). Ignored with `fetch`. */
  readonly dispatcher?: Dispatcher
  /**
   * Milliseconds to wait for the response headers, and then for each chunk of the body: a slow but
   * steady download never times out, a stalled one does. With undici's fetch (the default) the
   * clock starts when the request is sent on a connection, so a request waiting for a free
   * connection in the pool does not time out; with a custom `fetch` it starts when `request` is called.
   * @default 30_000
   */
  readonly timeoutMs?: number
  /**
   * Connections per origin in the shared pool (ignored with `fetch` or `dispatcher`). Requests
   * beyond it wait for a free connection without their timeout running.
   * @default 256
   */
  readonly connectionsPerOrigin?: number
  /** Headers sent with every request (authorization goes here). */
  readonly headers?: Readonly<Record<string, string>>
}

/** Options for one request. */
export interface HttpRequestOptions {
  /** @default 'GET' */
  readonly method?: string
  readonly headers?: Readonly<Record<string, string>>
  /** A raw body. */
  readonly body?: Uint8Array | string | FormData | Blob
  /** A JSON body; sets `content-type: application/json`. */
  readonly json?: unknown
  readonly signal?: AbortSignal
  /** Overrides the client's `timeoutMs`. */
  readonly timeoutMs?: number
  /**
   * Largest body accepted, in bytes; reading stops as soon as it is passed.
   * @default 64 MiB
   */
  readonly maxBytes?: number
}

/** A response whose body has not been read yet. Read it once, with one of the methods. */
export interface HttpResponse {
  readonly status: number
  readonly ok: boolean
  readonly headers: Headers
  readonly url: string
  /** `Retry-After` in milliseconds, when the server sent one. */
  readonly retryAfterMs?: number
  /** The body as bytes, within `maxBytes`. */
  bytes(): Promise<Uint8Array>
  /** The body as text, within `maxBytes`. */
  text(): Promise<string>
  /** The body parsed as JSON; `undefined` when it is not JSON. */
  json(): Promise<unknown>
  /** The body as JSON validated by `schema`; a mismatch is a `provider_error`. */
  parse<Schema extends z.ZodType>(schema: Schema): Promise<z.output<Schema>>
  /** The body as a stream of chunks, for downloads. */
  stream(): AsyncIterable<Uint8Array>
  /** Discards the body so the connection can be reused. */
  discard(): Promise<void>
}

/** A small HTTP client: timeouts, abort, byte caps, `Retry-After`, typed errors. */
export interface HttpClient {
  /** Sends a request and returns the response whatever its status; transport failures throw `unavailable`. */
  request(url: string, options?: HttpRequestOptions): Promise<HttpResponse>
  /**
   * Streams `url` into `path` through a temporary file renamed into place when complete, so an
   * interrupted download never leaves a file at `path`. Non-2xx statuses throw.
   */
  download(url: string, path: string, options?: HttpRequestOptions): Promise<{ path: string; bytes: number }>
  /** Opens `url` for streaming (for `createRemoteOutput`); non-2xx statuses throw. */
  open(url: string, options?: HttpRequestOptions): Promise<AsyncIterable<Uint8Array>>
}

const DEFAULT_TIMEOUT_MS = 30_000
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024

/**
 * Creates the HTTP client adapters use for every call they make themselves.
 *
 * @example
 * ```ts
 * const http = createHttpClient({ provider: 'ailab', headers: { 'ailabapi-api-key': key } })
 * const response = await http.request('https://www.ailabapi.com/api/...', { method: 'POST', body: form })
 * const envelope = await response.parse(envelopeSchema)
 * ```
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const provider = options.provider
  const clientTimeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const dispatcher = (): Dispatcher => options.dispatcher ?? sharedAgent(options.connectionsPerOrigin ?? DEFAULT_CONNECTIONS_PER_ORIGIN)

  async function request(url: string, requestOptions: HttpRequestOptions = {}): Promise<HttpResponse> {
    const timeoutMs = requestOptions.timeoutMs ?? clientTimeout
    const maxBytes = requestOptions.maxBytes ?? DEFAULT_MAX_BYTES
    // undici times the wait for the headers of requests it dispatches itself (from when they are
    // sent on a connection); only a custom fetch needs the watchdog's clock before the headers.
    const watchdog = new Watchdog(timeoutMs, requestOptions.signal, options.fetch !== undefined)
    const headers: Record<string, string> = { ...options.headers, ...requestOptions.headers }
    let body = requestOptions.body
    if (body instanceof FormData) {
      // Serialise here: a FormData from Node's bundled undici is not recognised by the undici
      // package's fetch (different class), which would send "[object FormData]" as text.
      const encoded = new Response(body)
      headers['content-type'] = encoded.headers.get('content-type')!
      body = new Uint8Array(await encoded.arrayBuffer())
    }
    if (requestOptions.json !== undefined) {
      body = JSON.stringify(requestOptions.json)
      headers['content-type'] ??= 'application/json'
    }
    let response: Response
    try {
      const init = { method: requestOptions.method ?? 'GET', headers, body, signal: watchdog.signal, redirect: 'manual' as const }
      response = options.fetch
        ? await options.fetch(url, init as RequestInit)
        : ((await undiciFetch(url, { ...init, dispatcher: withTimeouts(dispatcher(), { headersMs: timeoutMs, bodyMs: timeoutMs }) } as never)) as unknown as Response)
    } catch (error) {
      watchdog.stop()
      throw watchdog.explain(error, { provider, url, sent: true })
    }
    // From the headers on, the body must keep coming: the clock runs whatever the dispatcher.
    watchdog.startClock()
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'))

    let consumed = false
    async function* chunks(): AsyncIterable<Uint8Array> {
      if (consumed) throw new Error('The response body was already read.')
      consumed = true
      let received = 0
      try {
        if (!response.body) return
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          watchdog.touch()
          received += chunk.byteLength
          if (received > maxBytes) {
            throw new PortraitAnimatorError({
              kind: 'provider_error',
              message: `The response from ${provider} is larger than ${maxBytes} bytes.`,
              provider,
              rule: 'max-bytes',
              limit: maxBytes,
            })
          }
          yield chunk
        }
        const declared = declaredLength(response.headers)
        if (declared !== undefined && received !== declared) {
          throw new PortraitAnimatorError({
            kind: 'unavailable',
            message: `The response from ${provider} was cut short: ${received} of ${declared} bytes arrived (${redact(url)}).`,
            provider,
            rule: 'content-length',
            limit: declared,
            actual: received,
          })
        }
      } catch (error) {
        throw watchdog.explain(error, { provider, url, sent: true })
      } finally {
        watchdog.stop()
      }
    }

    async function bytes(): Promise<Uint8Array> {
      const parts: Uint8Array[] = []
      for await (const chunk of chunks()) parts.push(chunk)
      return Buffer.concat(parts)
    }
    async function text(): Promise<string> {
      return new TextDecoder().decode(await bytes())
    }
    async function json(): Promise<unknown> {
      const body = await text()
      try {
        return JSON.parse(body)
      } catch {
        return undefined
      }
    }

    return {
      status: response.status,
      ok: response.ok,
      headers: response.headers,
      url,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      bytes,
      text,
      json,
      async parse(schema) {
        const value = await json()
        const parsed = schema.safeParse(value)
        if (!parsed.success) {
          throw new PortraitAnimatorError({
            kind: 'provider_error',
            message: `Unexpected response from ${provider} (HTTP ${response.status}): ${parsed.error.issues
              .slice(0, 3)
              .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`)
              .join('; ')}.`,
            provider,
            statusCode: response.status,
          })
        }
        return parsed.data
      },
      stream: chunks,
      async discard() {
        watchdog.stop()
        if (!consumed) {
          consumed = true
          await response.body?.cancel().catch(() => undefined)
        }
      },
    }
  }

  async function open(url: string, requestOptions: HttpRequestOptions = {}): Promise<AsyncIterable<Uint8Array>> {
    const response = await request(url, { maxBytes: Number.MAX_SAFE_INTEGER, ...requestOptions })
    if (!response.ok) {
      await response.discard()
      throw new PortraitAnimatorError({
        kind: response.status >= 500 ? 'unavailable' : 'provider_error',
        message: `Download from ${provider} failed with HTTP ${response.status} (${redact(url)}).`,
        provider,
        statusCode: response.status,
        ...(response.retryAfterMs === undefined ? {} : { retryAfterMs: response.retryAfterMs }),
      })
    }
    return response.stream()
  }

  async function download(url: string, path: string, requestOptions: HttpRequestOptions = {}) {
    const stream = await open(url, requestOptions)
    return writeFileAtomic(path, stream, requestOptions.signal ? { signal: requestOptions.signal } : {})
  }

  return { request, download, open }
}

/** The body length the server declared, when the body arrives as sent (not re-encoded). */
function declaredLength(headers: Headers): number | undefined {
  const encoding = headers.get('content-encoding')
  if (encoding !== null && encoding !== 'identity') return undefined
  const text = headers.get('content-length')
  if (text === null || !/^\d+$/.test(text.trim())) return undefined
  return Number(text)
}

/**
 * One abort controller per request that fires on the caller's signal or when no progress has been
 * seen for `timeoutMs`: the headers (only when `clocked`, i.e. a custom fetch that undici does not
 * time), then each body chunk read (always, from `startClock`). It also names undici's own header
 * and body timeouts as timeouts.
 */
class Watchdog {
  readonly signal: AbortSignal
  private readonly controller = new AbortController()
  private timer: NodeJS.Timeout | undefined
  private timedOut = false
  private readonly onCallerAbort = () => this.controller.abort(this.callerSignal?.reason)

  constructor(
    private readonly timeoutMs: number,
    private readonly callerSignal: AbortSignal | undefined,
    private clocked: boolean,
  ) {
    this.signal = this.controller.signal
    if (callerSignal?.aborted) this.controller.abort(callerSignal.reason)
    else callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true })
    this.touch()
  }

  /** The headers arrived: the clock runs from now on, restarted by every chunk. */
  startClock(): void {
    this.clocked = true
    this.touch()
  }

  /** Progress was seen: restart the clock. */
  touch(): void {
    if (this.timer) clearTimeout(this.timer)
    if (!this.clocked || this.controller.signal.aborted) return
    this.timer = setTimeout(() => {
      this.timedOut = true
      this.controller.abort(new DOMException('The request timed out.', 'TimeoutError'))
      // Nothing is left to forward; a body nobody reads must not keep a listener on the caller's
      // signal, which may serve many requests.
      this.callerSignal?.removeEventListener('abort', this.onCallerAbort)
    }, this.timeoutMs)
    this.timer.unref?.()
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer)
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort)
  }

  /** Turns whatever the transport threw into the error the caller should see. */
  explain(error: unknown, context: { provider: string; url: string; sent: boolean }): PortraitAnimatorError {
    this.stop()
    if (PortraitAnimatorError.isInstance(error)) return error
    if (this.callerSignal?.aborted) {
      // The caller's signal may carry a deadline (AbortSignal.timeout): that is a timeout, not a cancel.
      const deadline = (this.callerSignal.reason as { name?: unknown } | undefined)?.name === 'TimeoutError'
      return new PortraitAnimatorError({
        kind: deadline ? 'timeout' : 'cancelled',
        message: deadline ? 'The request passed its deadline.' : 'The request was cancelled.',
        provider: context.provider,
        accepted: 'unknown',
        cause: error,
      })
    }
    const code = networkErrorCode(error)
    if (this.timedOut || (code !== undefined && UNDICI_TIMEOUT_CODES.has(code))) {
      return new PortraitAnimatorError({
        kind: 'timeout',
        message: `${context.provider} did not answer within ${this.timeoutMs} ms.`,
        provider: context.provider,
        retryable: true,
        accepted: 'unknown',
        cause: error,
      })
    }
    return networkError(error, context)
  }
}
