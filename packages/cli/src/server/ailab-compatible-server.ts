import { randomUUID, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { PortraitAnimatorError, checkMediaLimits, loadMedia, type ImageFormat, type MediaLimits, type PortraitAnimator } from '@portrait-animator/core'
import { ailabFailureFor } from './ailab-error-for.js'
import { errorEnvelope, successEnvelope, type AilabEnvelope } from './ailab-envelope.js'

/** The path AILabTools clients call. */
export const LIVE_PHOTO_PATH = '/api/portrait/effects/live-photo'

/**
 * AILabTools' documented limits for `image_target`: JPEG/PNG/BMP, at most 5 MB, under 4096x4096.
 * `maxPixels` also caps the decode that proves an upload is whole: a bigger header is refused first.
 */
const AILAB_IMAGE_LIMITS: MediaLimits<ImageFormat> = { formats: ['jpeg', 'png', 'bmp'], maxBytes: 5 * 1024 * 1024, maxWidth: 4095, maxHeight: 4095, maxPixels: 4095 * 4095 }

/** One line of the access log. Never holds a key. */
export interface AccessLogEntry {
  readonly time: string
  readonly method: string
  readonly path: string
  readonly status: number
  readonly code?: string
  readonly durationMs: number
  readonly requestId: string
  readonly servedBy?: string
  readonly bytes?: number
}

/** Options for `startAilabCompatibleServer`. */
export interface AilabCompatibleServerOptions {
  /** Serves each request (the router, or one route of it). */
  readonly animator: PortraitAnimator
  /** Keys accepted in `ailabapi-api-key`: this server's own, never an upstream provider's. */
  readonly apiKeys: readonly string[]
  /** @default 0 (a free port) */
  readonly port?: number
  /** @default '127.0.0.1' */
  readonly host?: string
  /** Largest request body accepted, in bytes. @default 6 MiB (AILab's 5 MB image plus the multipart overhead) */
  readonly maxBodyBytes?: number
  /** Requests animated at once; one more gets 503 `AI_SERVICE_FLOW_RESTRICTION`. @default 4 */
  readonly maxConcurrent?: number
  /** Deadline per request in milliseconds. @default 300000 */
  readonly timeoutMs?: number
  /** Receives one entry per request. @default no logging */
  readonly log?: (entry: AccessLogEntry) => void
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
  const keys = options.apiKeys.map((key) => Buffer.from(key))
  if (keys.length === 0) throw new PortraitAnimatorError({ kind: 'invalid_config', message: 'The server needs at least one API key of its own (--api-key or PORTRAIT_ANIMATOR_SERVER_KEYS).', field: 'apiKeys' })
  let inFlight = 0
  let closing = false
  const active = new Set<Promise<void>>()

  const server = createServer((request, response) => {
    const work = handle(request, response)
    active.add(work)
    void work.finally(() => active.delete(work))
  })

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = Date.now()
    const requestId = randomUUID()
    const path = (request.url ?? '/').split('?')[0] ?? '/'
    const logged = (status: number, extra: Partial<AccessLogEntry> = {}) =>
      options.log?.({ time: new Date(started).toISOString(), method: request.method ?? '?', path, status, durationMs: Date.now() - started, requestId, ...extra })

    if (path === '/healthz' && request.method === 'GET') {
      send(response, closing ? 503 : 200, { ok: !closing, inFlight })
      logged(closing ? 503 : 200)
      return
    }
    if (path !== LIVE_PHOTO_PATH) {
      sendEnvelope(response, errorEnvelope(requestId, 404, 'ERROR_RESOURCE_NOT_FOUND', 'Resource not found.', `No such endpoint: ${path}`))
      logged(404, { code: 'ERROR_RESOURCE_NOT_FOUND' })
      return
    }
    const fail = (status: number, code: string, codeMessage: string, message: string) => {
      request.resume()
      sendEnvelope(response, errorEnvelope(requestId, status, code, codeMessage, message))
      logged(status, { code })
    }
    if (request.method !== 'POST') return fail(405, 'ERROR_ILLEGAL_OPERATION', 'Illegal operation.', 'Use POST.')
    if (!keyAccepted(request.headers['ailabapi-api-key'])) return fail(401, 'ERROR_USER_NOT_EXISTS', 'The user does not exist.', 'Missing or unknown ailabapi-api-key.')
    if (closing) return fail(503, 'AI_SERVICE_FLOW_RESTRICTION', 'The AI service is rate-limited.', 'The server is shutting down.')
    const declared = Number(request.headers['content-length'] ?? 0)
    if (declared > maxBodyBytes) return fail(413, 'FILE_SIZE_EXCEEDS_LIMIT', 'The file size exceeds the limit.', `The request is larger than ${maxBodyBytes} bytes.`)
    if (inFlight >= maxConcurrent) return fail(503, 'AI_SERVICE_FLOW_RESTRICTION', 'The AI service is rate-limited.', `At most ${maxConcurrent} requests at once; retry shortly.`)

    inFlight++
    const disconnected = new AbortController()
    response.on('close', () => {
      if (!response.writableFinished) disconnected.abort(new DOMException('The client went away', 'AbortError'))
    })
    try {
      const body = await readBody(request, maxBodyBytes)
      if (!body) return fail(413, 'FILE_SIZE_EXCEEDS_LIMIT', 'The file size exceeds the limit.', `The request is larger than ${maxBodyBytes} bytes.`)
      let form: FormData
      try {
        form = await new Request('http://local/', { method: 'POST', headers: { 'content-type': request.headers['content-type'] ?? '' }, body: new Uint8Array(body) }).formData()
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
      logged(200, { servedBy: result.servedBy.target, bytes: video.byteLength })
    } catch (error) {
      const failure = ailabFailureFor(error)
      const message = PortraitAnimatorError.isInstance(error) ? error.message : 'Internal error.'
      fail(failure.status, failure.code, failure.codeMessage, message)
    } finally {
      inFlight--
    }
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

async function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.byteLength
    if (size > maxBytes) return undefined
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
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
