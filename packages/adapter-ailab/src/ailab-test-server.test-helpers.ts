import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/** One request the test server received, exactly as it arrived. */
export interface RecordedRequest {
  readonly method: string
  readonly path: string
  readonly headers: IncomingHttpHeaders
  readonly body: Buffer
  /** The multipart body parsed back into form fields. */
  form(): Promise<FormData>
}

/** What the server does with a request. */
export type TestReply =
  | { readonly status: number; readonly body?: unknown; readonly headers?: Readonly<Record<string, string>> }
  | 'reset'
  | 'hang'

/** A real HTTP server on 127.0.0.1 that records requests and answers as each test says. */
export interface TestServer {
  readonly baseUrl: string
  readonly requests: RecordedRequest[]
  /** Sets how the next requests are answered. */
  reply(handler: TestReply | ((request: RecordedRequest) => TestReply)): void
  close(): Promise<void>
}

export async function startTestServer(): Promise<TestServer> {
  const requests: RecordedRequest[] = []
  const sockets = new Set<Socket>()
  let handler: TestReply | ((request: RecordedRequest) => TestReply) = { status: 500, body: 'no reply set' }
  const server: Server = createServer((incoming, response) => {
    const chunks: Buffer[] = []
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
    incoming.on('end', () => {
      const body = Buffer.concat(chunks)
      const headers = incoming.headers
      const recorded: RecordedRequest = {
        method: incoming.method ?? '',
        path: incoming.url ?? '',
        headers,
        body,
        form: () => new Response(body, { headers: { 'content-type': String(headers['content-type']) } }).formData(),
      }
      requests.push(recorded)
      const reply = typeof handler === 'function' ? handler(recorded) : handler
      answer(response, reply)
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    reply(next) {
      handler = next
    },
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

function answer(response: ServerResponse, reply: TestReply): void {
  if (reply === 'hang') return
  if (reply === 'reset') {
    response.socket?.destroy()
    return
  }
  const body = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {})
  const contentType = typeof reply.body === 'string' ? 'text/html' : 'application/json'
  response.writeHead(reply.status, { 'content-type': contentType, ...reply.headers })
  response.end(body)
}
