import { randomUUID, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { PortraitAnimatorError, checkMediaLimits, loadMedia, type Cost, type ImageFormat, type MediaLimits, type PortraitAnimator } from '@portrait-animator/core'
import { accessLogError, type AccessLogEntry } from './access-log.js'
import { ailabFailureFor } from './ailab-error-for.js'
import { errorEnvelope, successEnvelope, type AilabEnvelope } from './ailab-envelope.js'
import { LIVE_PHOTO_PATH, openApiDocument } from './openapi-document.js'
import { BODY_DEFAULTS, readBody, type BodyFailure } from './read-body.js'
import type { ServerReadiness } from './route-readiness.js'

export type { AccessLogEntry } from './access-log.js'
export { LIVE_PHOTO_PATH } from './openapi-document.js'

/** Metrics served on `GET /metrics` (see `createServerMetrics`). */
export interface MetricsEndpoint {
  /** The metrics text. */
  render(): Promise<string>
  /** Its `content-type`. */
  readonly contentType: string
}

/**
 * AILabTools' documented limits for `image_target`: JPEG/PNG/BMP, at most 5 MB, under 4096x4096.
 * `maxPixels` also caps the decode that proves an upload is whole: a bigger header is refused first.
 */
const AILAB_IMAGE_LIMITS: MediaLimits<ImageFormat> = { formats: ['jpeg', 'png', 'bmp'], maxBytes: 5 * 1024 * 1024, maxWidth: 4095, maxHeight: 4095, maxPixels: 4095 * 4095 }

/** Options for `startAilabCompatibleServer`. */
export interface AilabCompatibleServerOptions {
  /** Serves each request (the router, one route of it, or a queue: `QueuedAnimator`). */
  readonly animator: Pick<PortraitAnimator, 'animate'>
  /** Keys accepted in `ailabapi-api-key`: this server's own, never an upstream provider's. */
  readonly apiKeys: readonly string[]
  /** @default 0 (a free port) */
  readonly port?: number
  /** @default '127.0.0.1' */
  readonly host?: string
  /** Largest request body accepted, in bytes. @default 6 MiB (AILab's 5 MB image plus the multipart overhead) */
  readonly maxBodyBytes?: number
  /**
   * Requests animated at once; one more gets 503 `AI_SERVICE_FLOW_RESTRICTION`. A request counts
   * only once its body has been read, so slow uploads never hold a slot.
   * @default 4
   */
  readonly maxConcurrent?: number
  /**
   * The whole request body must arrive within this many milliseconds of its headers; a client
   * still sending then gets 408 and its connection is closed.
   * @default 30000
   */
  readonly bodyTimeoutMs?: number
  /**
   * After `bodyRateGraceMs`, a body arriving slower than this on average (bytes per second) gets 408
   * at once, without waiting for `bodyTimeoutMs`. 0 turns the check off.
   * @default 1024
   */
  readonly minBodyBytesPerSecond?: number
  /** How long a body may arrive slower than `minBodyBytesPerSecond` at first. @default 5000 */
  readonly bodyRateGraceMs?: number
  /**
   * Bodies being received at once; one more gets 503 at once. Bounds the memory uploads can hold
   * (each up to `maxBodyBytes`) now that they no longer take an animation slot.
   * @default 32
   */
  readonly maxPendingUploads?: number
  /**
   * Node's `headersTimeout`: a client must finish sending its headers within this many
   * milliseconds (Node answers a bare 408 and closes). Node's `requestTimeout` is set above this
   * plus `bodyTimeoutMs`, so the server's own 408 comes first.
   * @default 10000
   */
  readonly headersTimeoutMs?: number
  /**
   * Whether the server can serve now, for `GET /readyz` (503 with the reason when not ready).
   * `GET /healthz` is liveness only: 200 whenever the process answers.
   * Called on every health check, so it must be cheap and must not call a provider; `serve` passes
   * `routeReadiness(router, route)`.
   * @default always ready
   */
  readonly readiness?: () => ServerReadiness
  /** Deadline per request in milliseconds. @default 300000 */
  readonly timeoutMs?: number
  /** Receives one entry per request. @default no logging */
  readonly log?: (entry: AccessLogEntry) => void
  /** Served on `GET /metrics`. @default none (404) */
  readonly metrics?: MetricsEndpoint
}

/** A running server. */
export interface AilabCompatibleServer {
  readonly url: string
  readonly server: Server
  /** Requests being animated now. */
  inFlight(): number
  /** Stops accepting requests, lets in-flight ones finish (up to `graceMs`), then closes. */
  close(graceMs?: number): Promise<void>
}

/**
 * An AILabTools "Live Photos" endpoint served through portrait-animator: apps built on the retired
 * API move by changing only their base URL.
 *
 * @example
 * ```ts
 * const server = await startAilabCompatibleServer({ animator: await createRouter(), apiKeys: ['my-app-key'], port: 8080 })
 * // POST http://127.0.0.1:8080/api/portrait/effects/live-photo with image_target and type, header ailabapi-api-key: my-app-key
 * ```
 */
export async function startAilabCompatibleServer(options: AilabCompatibleServerOptions): Promise<AilabCompatibleServer> {
  const maxBodyBytes = options.maxBodyBytes ?? 6 * 1024 * 1024
  const maxConcurrent = options.maxConcurrent ?? 4
  const bodyTimeoutMs = options.bodyTimeoutMs ?? BODY_DEFAULTS.timeoutMs
  const minBodyRate = options.minBodyBytesPerSecond ?? BODY_DEFAULTS.minBytesPerSecond
  const headersTimeoutMs = options.headersTimeoutMs ?? 10_000
  const keys = options.apiKeys.map((key) => Buffer.from(key))
  if (keys.length === 0) throw new PortraitAnimatorError({ kind: 'invalid_config', message: 'The server needs at least one API key of its own (--api-key or PORTRAIT_ANIMATOR_SERVER_KEYS).', field: 'apiKeys' })
  const maxPendingUploads = options.maxPendingUploads ?? 32
  let inFlight = 0
  let uploading = 0
  let closing = false
  const active = new Set<Promise<void>>()

  const server = createServer(
    // Node enforces both timeouts on this interval (30 s by default, far longer than a short headersTimeout).
    { headersTimeout: headersTimeoutMs, requestTimeout: headersTimeoutMs + bodyTimeoutMs + 5_000, connectionsCheckingInterval: Math.min(1_000, headersTimeoutMs) },
    (request, response) => {
      const work = handle(request, response)
      active.add(work)
      void work.finally(() => active.delete(work))
    },
  )

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = Date.now()
    const requestId = randomUUID()
    const path = (request.url ?? '/').split('?')[0] ?? '/'
    const logged = (status: number, extra: Partial<AccessLogEntry> = {}) =>
      options.log?.({ time: new Date(started).toISOString(), method: request.method ?? '?', path, status, durationMs: Date.now() - started, requestId, ...extra })

    if (request.method === 'GET' && (await servedOperationally(path, response))) return void logged(response.statusCode)
    const fail = (status: number, code: string, codeMessage: string, message: string, extra: Partial<AccessLogEntry> = {}) => {
      // The rest of the body is drained so the client can read the answer (closing under a client
      // still writing makes most clients report EPIPE, not the answer); Node's requestTimeout bounds it.
      request.resume()
      sendEnvelope(response, errorEnvelope(requestId, status, code, codeMessage, message))
      logged(status, { code, ...extra })
    }
    if (path !== LIVE_PHOTO_PATH) return fail(404, 'ERROR_RESOURCE_NOT_FOUND', 'Resource not found.', `No such endpoint: ${path}`)
    if (request.method !== 'POST') return fail(405, 'ERROR_ILLEGAL_OPERATION', 'Illegal operation.', 'Use POST.')
    if (!keyAccepted(request.headers['ailabapi-api-key'])) return fail(401, 'ERROR_USER_NOT_EXISTS', 'The user does not exist.', 'Missing or unknown ailabapi-api-key.')
    if (closing) return fail(503, 'AI_SERVICE_FLOW_RESTRICTION', 'The AI service is rate-limited.', 'The server is shutting down.')
    const declared = Number(request.headers['content-length'] ?? 0)
    const tooLarge = () => fail(413, 'FILE_SIZE_EXCEEDS_LIMIT', 'The file size exceeds the limit.', `The request is larger than ${maxBodyBytes} bytes.`)
    if (declared > maxBodyBytes) return tooLarge()
    const saturated = () => fail(503, 'AI_SERVICE_FLOW_RESTRICTION', 'The AI service is rate-limited.', `At most ${maxConcurrent} requests at once; retry shortly.`)
    // Shed load before reading a body that could not be served anyway.
    if (inFlight >= maxConcurrent) return saturated()
    if (uploading >= maxPendingUploads) return fail(503, 'AI_SERVICE_FLOW_RESTRICTION', 'The AI service is rate-limited.', `At most ${maxPendingUploads} uploads at once; retry shortly.`)

    uploading++
    const outcome = await readBody(request, { maxBytes: maxBodyBytes, timeoutMs: bodyTimeoutMs, minBytesPerSecond: minBodyRate, ...(options.bodyRateGraceMs === undefined ? {} : { rateGraceMs: options.bodyRateGraceMs }) }).finally(() => uploading--)
    if (!outcome.ok) return bodyFailed(outcome.failure, outcome.receivedBytes)
    // Only now does the request take a slot: a slow upload never holds one.
    if (inFlight >= maxConcurrent) return saturated()
    inFlight++
    const disconnected = new AbortController()
    response.on('close', () => {
      if (!response.writableFinished) disconnected.abort(new DOMException('The client went away', 'AbortError'))
    })
    try {
      let form: FormData
      try {
        form = await new Request('http://local/', { method: 'POST', headers: { 'content-type': request.headers['content-type'] ?? '' }, body: new Uint8Array(outcome.body) }).formData()
      } catch {
        return fail(400, 'ERROR_PARAMETERS', 'Parameter error.', 'The body must be multipart/form-data.')
      }
      const file = form.get('image_target')
      if (!(file instanceof Blob)) return fail(400, 'MISSING_PARAMETERS', 'Missing parameters.', 'image_target is required.')
      const typeValue = form.get('type') ?? '0'
      if (typeValue !== '0' && typeValue !== '1') return fail(422, 'UNSUPPORTED_PARAMETER_VALUES', 'Unsupported parameter values.', 'type must be 0 (head) or 1 (full body).')
      const image = await loadMedia(file, { field: 'image_target', expect: 'image', maxBytes: AILAB_IMAGE_LIMITS.maxBytes!, maxPixels: AILAB_IMAGE_LIMITS.maxPixels! })
      checkMediaLimits(image, AILAB_IMAGE_LIMITS, 'image_target')
      const result = await options.animator.animate(
        { image: image.bytes, motion: { type: 'preset', preset: 'live-photo', framing: typeValue === '1' ? 'full-body' : 'head' }, output: { kind: 'video', format: 'mp4' } },
        { signal: disconnected.signal, timeoutMs: options.timeoutMs ?? 300_000 },
      )
      const video = Buffer.from(await result.output.bytes())
      sendEnvelope(response, successEnvelope(requestId, video.toString('base64')))
      logged(200, { servedBy: result.servedBy.target, bytes: video.byteLength, ...(result.cost ? { cost: costOf(result.cost) } : {}) })
    } catch (error) {
      // The client learns what it can act on; which targets failed and why is for the operator's log.
      const failure = ailabFailureFor(error)
      fail(failure.status, failure.code, failure.codeMessage, failure.message, { error: accessLogError(error) })
    } finally {
      inFlight--
    }

    function bodyFailed(failure: BodyFailure, receivedBytes: number): void {
      if (failure === 'too-large') return tooLarge()
      if (failure === 'aborted') return void logged(499, { code: 'CLIENT_CLOSED_REQUEST', bytes: receivedBytes })
      const why = failure === 'timeout' ? `within ${bodyTimeoutMs / 1000} s` : `at ${minBodyRate} bytes/s or faster`
      // A client this slow is not waited for again: answer, then close the connection.
      response.setHeader('connection', 'close')
      fail(408, 'ERROR_REQUEST_TIMEOUT', 'The request timed out.', `The request body did not arrive ${why}.`, { bytes: receivedBytes })
    }
  }

  /** Answers the GET endpoints beside the AILab one; false when `path` is none of them. */
  async function servedOperationally(path: string, response: ServerResponse): Promise<boolean> {
    if (path === '/healthz') {
      // Liveness: the process answers. Whether it can serve is /readyz's question.
      send(response, 200, { ok: true, inFlight })
    } else if (path === '/readyz') {
      const readiness = readinessReport()
      send(response, readiness.ok ? 200 : 503, { ...readiness, inFlight })
    } else if (path === '/openapi.json') {
      send(response, 200, openApiDocument({ maxBodyBytes }))
    } else if (path === '/metrics' && options.metrics) {
      let text: string
      try {
        text = await options.metrics.render()
      } catch {
        send(response, 500, { ok: false, reason: 'the metrics could not be collected' })
        return true
      }
      if (!response.destroyed) response.writeHead(200, { 'content-type': options.metrics.contentType, 'content-length': Buffer.byteLength(text) }).end(text)
    } else {
      return false
    }
    return true
  }

  function readinessReport(): ServerReadiness & { readonly ok: boolean } {
    if (closing) return { ok: false, ready: false, reason: 'the server is shutting down' }
    let readiness: ServerReadiness
    try {
      readiness = options.readiness?.() ?? { ready: true }
    } catch {
      readiness = { ready: false, reason: 'the readiness check failed' }
    }
    return { ok: readiness.ready, ...readiness }
  }

  function keyAccepted(header: string | string[] | undefined): boolean {
    if (typeof header !== 'string' || header.length === 0) return false
    const given = Buffer.from(header)
    return keys.some((key) => key.length === given.length && timingSafeEqual(key, given))
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve())
  })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    url: `http://${host}:${address.port}`,
    server,
    inFlight: () => inFlight,
    async close(graceMs = 30_000) {
      closing = true
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeIdleConnections()
      const grace = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref())
      await Promise.race([Promise.allSettled([...active]), grace])
      server.closeAllConnections()
      await closed
    },
  }
}

function costOf(cost: Cost): NonNullable<AccessLogEntry['cost']> {
  return { basis: cost.basis, ...(cost.usd === undefined ? {} : { usd: cost.usd }), ...(cost.credits === undefined ? {} : { credits: cost.credits }) }
}

function sendEnvelope(response: ServerResponse, envelope: AilabEnvelope): void {
  send(response, envelope.error_detail.status_code, envelope)
}

function send(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent || response.destroyed) return
  const text = JSON.stringify(body)
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) })
  response.end(text)
}
