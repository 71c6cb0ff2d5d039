import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request as the server saw it. */
export interface RecordedRequest {
  readonly method: string
  /** Path with query. */
  readonly path: string
  readonly headers: IncomingHttpHeaders
  readonly body: Buffer
  /** The body parsed as JSON, when it is JSON. */
  readonly json: unknown
}

/** What a route answers. `hang` never answers; `reset` destroys the socket. */
export type Reply =
  | { readonly status: number; readonly json?: unknown; readonly body?: string | Buffer; readonly headers?: Readonly<Record<string, string>> }
  | 'hang'
  | 'reset'

type Handler = (request: RecordedRequest, server: TestServer) => Reply | Promise<Reply>

/** A real HTTP server on 127.0.0.1 that records every request and answers from scripted routes. */
export interface TestServer {
  readonly baseUrl: string
  readonly requests: RecordedRequest[]
  /**
   * Answers `METHOD /path` (exact path, query ignored). A list of replies is used in order, the last
   * one repeating.
   */
  on(method: string, path: string, handler: Handler | Reply | readonly Reply[]): void
  /** Requests for one route, in order. */
  calls(method: string, path: string): RecordedRequest[]
  close(): Promise<void>
}

/** Starts a recording server; unknown routes answer 404 `{"message":"Not Found"}`. */
export async function startTestServer(): Promise<TestServer> {
  const routes = new Map<string, Handler>()
  const requests: RecordedRequest[] = []
  const server: Server = createServer((incoming, response) => {
    const chunks: Buffer[] = []
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
    incoming.on('end', () => {
      const body = Buffer.concat(chunks)
      let json: unknown
      try {
        json = body.length > 0 ? JSON.parse(body.toString('utf8')) : undefined
      } catch {
        json = undefined
      }
      const path = incoming.url ?? '/'
      const recorded: RecordedRequest = { method: incoming.method ?? 'GET', path, headers: incoming.headers, body, json }
      requests.push(recorded)
      const handler = routes.get(`${recorded.method} ${path.split('?')[0]}`)
      Promise.resolve(handler ? handler(recorded, self) : { status: 404, json: { message: 'Not Found' } })
        .then((reply) => send(response, reply))
        .catch(() => send(response, { status: 500, json: { message: 'test handler failed' } }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const self: TestServer = {
    baseUrl,
    requests,
    on(method, path, handler) {
      if (typeof handler === 'function') {
        routes.set(`${method} ${path}`, handler)
        return
      }
      const replies = Array.isArray(handler) ? [...(handler as readonly Reply[])] : [handler as Reply]
      routes.set(`${method} ${path}`, () => (replies.length > 1 ? replies.shift()! : replies[0]!))
    },
    calls(method, path) {
      return requests.filter((request) => request.method === method && request.path.split('?')[0] === path)
    },
    async close() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
  return self
}

function send(response: ServerResponse, reply: Reply): void {
  if (reply === 'hang') return
  if (reply === 'reset') {
    response.socket?.destroy()
    return
  }
  const body = reply.json !== undefined ? JSON.stringify(reply.json) : (reply.body ?? '')
  const headers = { ...(reply.json !== undefined ? { 'content-type': 'application/json' } : {}), ...reply.headers }
  response.writeHead(reply.status, headers).end(body)
}

/** A project as `GET /v1/video-projects/{id}` returns it today, WITHOUT the deprecated keys. */
export function projectReply(id: string, status: string, extra: Record<string, unknown> = {}): Reply {
  return {
    status: 200,
    json: {
      id,
      name: null,
      status,
      type: 'TALKING_PHOTO',
      created_at: '2026-11-21T10:00:00.000Z',
      width: 512,
      height: 512,
      enabled: true,
      start_seconds: 0,
      end_seconds: 3,
      fps: 25,
      credits_charged: 144,
      error: null,
      downloads: [],
      ...extra,
    },
  }
}
