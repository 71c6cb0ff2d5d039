/**
 * A scripted stand-in for fal's hosts, as a `fetch`: it records every request the adapter (and
 * the real `@fal-ai/client` inside it) makes, and answers from handlers keyed by method and URL.
 */
import { TINY_JPEG, TINY_MP4, TINY_PNG as TINY_PNG_OUTPUT } from '@portrait-animator/core/testing'

/** One request as fal would have received it. */
export interface RecordedRequest {
  readonly method: string
  readonly url: string
  readonly headers: Headers
  /** The body as text (JSON bodies) or bytes (uploads). */
  readonly body: string | Uint8Array | undefined
}

/** Answers one request. */
export type FakeHandler = (request: RecordedRequest, index: number) => Response | Promise<Response>

/** A JSON response. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } })
}

/** A server-sent event stream of the given events. */
export function eventStream(events: readonly unknown[], options: { readonly delayMs?: number } = {}): Response {
  const encoder = new TextEncoder()
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      for (const event of events) {
        if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs))
        controller.enqueue(encoder.encode(`data: ${JSON.stringify(event)}\n\n`))
      }
      controller.close()
    },
  })
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } })
}

/** The fake: its `fetch`, what it received, and the routes it answers. */
export interface FakeFal {
  readonly fetch: typeof globalThis.fetch
  readonly requests: RecordedRequest[]
  /** Requests whose method and URL match, in order. */
  find(method: string, url: string | RegExp): RecordedRequest[]
  /** Parsed JSON body of the one request matching. */
  body(method: string, url: string | RegExp): unknown
  /** Adds or replaces the handler for requests matching. */
  on(method: string, url: string | RegExp, handler: FakeHandler): void
}

/**
 * Creates the fake. Unmatched requests get a 404 fal error. Handlers see the request and how many
 * earlier requests matched the same route.
 */
export function createFakeFal(): FakeFal {
  const requests: RecordedRequest[] = []
  const routes: { method: string; url: string | RegExp; handler: FakeHandler; count: number }[] = []
  const matches = (pattern: string | RegExp, url: string) => (typeof pattern === 'string' ? pattern === url : pattern.test(url))

  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    const method = (init?.method ?? 'GET').toUpperCase()
    const body = await readBody(init?.body)
    const request: RecordedRequest = { method, url, headers: new Headers(init?.headers), body }
    requests.push(request)
    if (init?.signal?.aborted) throw init.signal.reason
    const route = [...routes].reverse().find((item) => item.method === method && matches(item.url, url))
    if (!route) return json(404, { detail: `No fake route for ${method} ${url}` })
    const response = await route.handler(request, route.count++)
    return response
  }

  return {
    fetch: fetch as typeof globalThis.fetch,
    requests,
    find: (method, url) => requests.filter((request) => request.method === method && matches(url, request.url)),
    body(method, url) {
      const found = requests.filter((request) => request.method === method && matches(url, request.url))
      if (found.length !== 1) throw new Error(`Expected one ${method} ${String(url)}, got ${found.length}`)
      const text = found[0]?.body
      return typeof text === 'string' ? JSON.parse(text) : undefined
    },
    on(method, url, handler) {
      routes.push({ method, url, handler, count: 0 })
    },
  }
}

async function readBody(body: BodyInit | null | undefined): Promise<string | Uint8Array | undefined> {
  if (body === undefined || body === null) return undefined
  if (typeof body === 'string') return body
  if (body instanceof Blob) return new Uint8Array(await body.arrayBuffer())
  if (body instanceof Uint8Array) return body
  if (body instanceof ArrayBuffer) return new Uint8Array(body)
  return String(body)
}

/** A small valid PNG (64x64, the smallest portrait fal's limits accept), for portraits in wire tests. */
export const TINY_PNG = Uint8Array.from(
  Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAEAAAABACAIAAAAlC+aJAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAn0lEQVRoge2SQQkAQRDDKrkSTkqkroh7hIFCBKSh4etpohuwAdUrsgv1LtEN2IDqFdmFepfoBmxA9YrsQr1LdAM2oHpFdqHeJboBG1C9IrtQ7xLdgA2oXpFdqHeJbsAGVK/ILtS7RDdgA6pXZBfqXaIbsAHVK7IL9S7RDdiA6hXZhXqX6AZsQPWK7EK9S3QDNqB6RXah3iW6ARtQveIfHolaAXi2NaJSAAAAAElFTkSuQmCC', 'base64'),
)

/**
 * Routes for a job that goes through fal's queue the happy way: uploads, a submit answering
 * `requestId`, a status stream fal does not have (404, so the adapter polls), a status that is
 * `COMPLETED` at once, the `result`, a cancel, and the output download.
 */
export function happyFal(fake: FakeFal, options: { readonly endpointId: string; readonly requestId?: string; readonly result: unknown }): void {
  const requestId = options.requestId ?? 'req-123'
  const appId = options.endpointId.split('/').slice(0, 2).join('/')
  const requestBase = `https://queue.fal.run/${appId}/requests/${requestId}`
  let uploads = 0
  fake.on('POST', 'https://rest.fal.ai/storage/upload/initiate?storage_type=fal-cdn-v3', (request) => {
    uploads += 1
    const { file_name: fileName } = JSON.parse(String(request.body)) as { file_name: string }
    return json(200, { upload_url: `https://upload.fal.example/put/${uploads}`, file_url: `https://v3.fal.media/files/u${uploads}/${fileName}` })
  })
  fake.on('PUT', /^https:\/\/upload\.fal\.example\/put\/\d+$/, () => new Response(null, { status: 200 }))
  fake.on('POST', `https://queue.fal.run/${options.endpointId}`, () =>
    json(200, { status: 'IN_QUEUE', request_id: requestId, response_url: requestBase, status_url: `${requestBase}/status`, cancel_url: `${requestBase}/cancel`, queue_position: 0 }),
  )
  fake.on('GET', `${requestBase}/status/stream?logs=1`, () => json(404, { detail: 'Not Found' }))
  fake.on('GET', `${requestBase}/status?logs=1`, () => json(200, { status: 'COMPLETED', request_id: requestId, logs: [], metrics: { inference_time: 1.5 } }))
  fake.on('GET', requestBase, () => json(200, options.result, { 'x-fal-request-id': requestId }))
  fake.on('PUT', `${requestBase}/cancel`, () => json(202, { status: 'CANCELLATION_REQUESTED' }))
  // Real (tiny) media: outputs are checked before they are handed over.
  fake.on('GET', /^https:\/\/v3\.fal\.media\/files\/out\//, (request) => {
    const path = new URL(request.url).pathname
    const bytes = path.endsWith('.png') ? TINY_PNG_OUTPUT : /\.jpe?g$/.test(path) ? TINY_JPEG : TINY_MP4
    return new Response(bytes.slice(), { status: 200 })
  })
}
