import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MockAgent } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createHttpClient } from './http-client.js'
import { expectAnimatorError } from '../testing/index.js'

type Handler = (request: IncomingMessage, response: ServerResponse) => void
const routes = new Map<string, Handler>()
let server: Server
let base: string

beforeAll(async () => {
  server = createServer((request, response) => {
    const handler = routes.get(new URL(request.url ?? '/', 'http://x').pathname)
    if (handler) handler(request, response)
    else response.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

routes.set('/json', (request, response) => {
  let body = ''
  request.on('data', (chunk) => (body += chunk))
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ echo: body ? JSON.parse(body) : null, auth: request.headers.authorization }))
  })
})
routes.set('/form', (request, response) => {
  const chunks: Buffer[] = []
  request.on('data', (chunk: Buffer) => chunks.push(chunk))
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ contentType: request.headers['content-type'], body: Buffer.concat(chunks).toString('latin1') }))
  })
})
routes.set('/busy', (_request, response) => response.writeHead(429, { 'retry-after': '7' }).end('{"message":"slow down"}'))
routes.set('/busy-date', (_request, response) =>
  response.writeHead(503, { 'retry-after': new Date(Date.now() + 60_000).toUTCString() }).end(),
)
routes.set('/hang', () => undefined)
routes.set('/slow-body', (_request, response) => {
  response.writeHead(200, { 'content-type': 'application/octet-stream' })
  response.write(Buffer.alloc(1024))
  // then stalls forever
})
routes.set('/steady', (_request, response) => {
  response.writeHead(200)
  let sent = 0
  const timer = setInterval(() => {
    response.write(Buffer.alloc(1000, 7))
    if (++sent === 6) {
      clearInterval(timer)
      response.end()
    }
  }, 250)
})
routes.set('/reset-mid-body', (request, response) => {
  response.writeHead(200, { 'content-length': '100000' })
  response.write(Buffer.alloc(10_000, 1))
  setTimeout(() => request.socket.destroy(), 20)
})
routes.set('/big', (_request, response) => {
  response.writeHead(200)
  for (let index = 0; index < 10; index++) response.write(Buffer.alloc(100_000))
  response.end()
})
routes.set('/slowish', (_request, response) => {
  // Answers after 150 ms, the body in two chunks 50 ms apart: well within a 2 s timeout each.
  setTimeout(() => {
    response.writeHead(200, { 'content-length': '20000' })
    response.write(Buffer.alloc(10_000, 3))
    setTimeout(() => response.end(Buffer.alloc(10_000, 4)), 50)
  }, 150)
})
routes.set('/file', (_request, response) => response.writeHead(200).end(Buffer.from('complete file')))
routes.set('/gone', (_request, response) => response.writeHead(410).end('gone'))

describe('createHttpClient against a real server on 127.0.0.1', () => {
  // Generous where the server answers (a busy machine must not turn an answer into a timeout);
  // short only where the test waits for the timeout itself.
  const http = () => createHttpClient({ provider: 'test', headers: { authorization: 'Key abc:def' }, timeoutMs: 20_000 })
  const impatient = () => createHttpClient({ provider: 'test', timeoutMs: 300 })

  it('sends JSON with the client headers and validates the answer with a schema', async () => {
    const response = await http().request(`${base}/json`, { method: 'POST', json: { a: 1 } })
    const body = await response.parse(z.object({ echo: z.object({ a: z.number() }), auth: z.string() }))
    expect(body).toEqual({ echo: { a: 1 }, auth: 'Key abc:def' })
  })

  it('turns a schema mismatch into a provider_error that names the field', async () => {
    const response = await http().request(`${base}/json`, { method: 'POST', json: { a: 'x' } })
    const error = await expectAnimatorError(response.parse(z.object({ echo: z.object({ a: z.number() }) })))
    expect(error.kind).toBe('provider_error')
    expect(error.message).toContain('echo.a')
  })

  it('sends FormData as multipart/form-data with its boundary', async () => {
    const form = new FormData()
    form.append('type', '1')
    form.append('image_target', new Blob([Buffer.from('PNGDATA')], { type: 'image/png' }), 'image.png')
    const response = await http().request(`${base}/form`, { method: 'POST', body: form })
    const echoed = (await response.json()) as { contentType: string; body: string }
    expect(echoed.contentType).toMatch(/^multipart\/form-data; boundary=/)
    expect(echoed.body).toContain('name="image_target"; filename="image.png"')
    expect(echoed.body).toContain('PNGDATA')
  })

  it('returns non-2xx responses with Retry-After in seconds', async () => {
    const response = await http().request(`${base}/busy`)
    expect(response.status).toBe(429)
    expect(response.retryAfterMs).toBe(7000)
    expect(await response.json()).toEqual({ message: 'slow down' })
  })

  it('reads Retry-After given as an HTTP date', async () => {
    const response = await http().request(`${base}/busy-date`)
    expect(response.retryAfterMs).toBeGreaterThan(55_000)
    expect(response.retryAfterMs).toBeLessThanOrEqual(60_000)
  })

  it('times out a server that never answers', async () => {
    const error = await expectAnimatorError(impatient().request(`${base}/hang`))
    expect(error).toMatchObject({ kind: 'timeout', retryable: true, accepted: 'unknown' })
  })

  it('times out a body that stalls, but not a slow steady one', async () => {
    const stalled = await impatient().request(`${base}/slow-body`)
    expect((await expectAnimatorError(stalled.bytes())).kind).toBe('timeout')
    const steady = await createHttpClient({ provider: 'test', timeoutMs: 1_000 }).request(`${base}/steady`)
    expect((await steady.bytes()).byteLength).toBe(6000) // 1.5 s in all, never 1 s without a chunk
  })

  it('does not time out requests waiting for a pooled connection: only the wait for each answer counts', async () => {
    // 64 downloads on 4 connections: the last ones wait about 16 x 200 ms = 3.2 s for a connection,
    // longer than the 2 s timeout, but each answer comes within it once the request is sent.
    const pooled = createHttpClient({ provider: 'test', timeoutMs: 2_000, connectionsPerOrigin: 4 })
    const sizes = await Promise.all(Array.from({ length: 64 }, async () => (await (await pooled.request(`${base}/slowish`)).bytes()).byteLength))
    expect(sizes).toEqual(Array.from({ length: 64 }, () => 20_000))
  })

  it('maps a reset mid-body to a retryable unavailable error', async () => {
    const response = await http().request(`${base}/reset-mid-body`)
    const error = await expectAnimatorError(response.bytes())
    expect(error).toMatchObject({ kind: 'unavailable', retryable: true, accepted: 'unknown' })
  })

  it('maps a refused connection to unavailable, proven not accepted', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    const error = await expectAnimatorError(http().request(`http://127.0.0.1:${port}/`))
    expect(error).toMatchObject({ kind: 'unavailable', retryable: true, accepted: false, providerCode: 'ECONNREFUSED' })
  })

  it('stops reading at the byte cap', async () => {
    const response = await http().request(`${base}/big`, { maxBytes: 250_000 })
    const error = await expectAnimatorError(response.bytes())
    expect(error).toMatchObject({ kind: 'provider_error', rule: 'max-bytes', limit: 250_000 })
  })

  it('cancels on the caller signal', async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 30)
    const error = await expectAnimatorError(createHttpClient({ provider: 'test', timeoutMs: 5000 }).request(`${base}/hang`, { signal: controller.signal }))
    expect(error.kind).toBe('cancelled')
  })

  it('reports a caller deadline (AbortSignal.timeout) as timeout, not cancelled', async () => {
    const error = await expectAnimatorError(createHttpClient({ provider: 'test', timeoutMs: 5000 }).request(`${base}/hang`, { signal: AbortSignal.timeout(30) }))
    expect(error.kind).toBe('timeout')
  })

  it('downloads to a file atomically', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'pa-http-'))
    const target = join(folder, 'nested', 'out.bin')
    const saved = await http().download(`${base}/file`, target)
    expect(saved.bytes).toBe(13)
    expect(await readFile(target, 'utf8')).toBe('complete file')
  })

  it('leaves no file behind when a download is interrupted', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'pa-http-'))
    const target = join(folder, 'out.bin')
    const error = await expectAnimatorError(http().download(`${base}/reset-mid-body`, target))
    expect(error.kind).toBe('unavailable')
    expect(existsSync(target)).toBe(false)
    expect(await readdir(folder)).toEqual([])
  })

  it('does not create the file for a non-2xx download', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'pa-http-'))
    const error = await expectAnimatorError(http().download(`${base}/gone`, join(folder, 'x')))
    expect(error).toMatchObject({ kind: 'provider_error', statusCode: 410 })
    expect(await readdir(folder)).toEqual([])
  })
})

describe('createHttpClient with an undici MockAgent', () => {
  it('routes through the given dispatcher', async () => {
    const agent = new MockAgent()
    agent.disableNetConnect()
    agent.get('https://api.example.test').intercept({ path: '/v1/thing', method: 'GET' }).reply(200, { ok: true })
    const http = createHttpClient({ provider: 'test', dispatcher: agent })
    const response = await http.request('https://api.example.test/v1/thing')
    expect(await response.json()).toEqual({ ok: true })
    await agent.close()
  })
})
