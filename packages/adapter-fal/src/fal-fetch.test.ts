import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { mayCarryKey, rewriteFalUrl } from './fal-hosts.js'
import { createFal } from './fal-provider.js'
import { TINY_PNG } from './fal-fake.test-helpers.js'
import { TINY_JPEG } from '@portrait-animator/core/testing'

describe('fal host rules', () => {
  const base = new URL('http://127.0.0.1:8787/fal-proxy')

  it.each([
    ['https://queue.fal.run/fal-ai/live-portrait/image', 'http://127.0.0.1:8787/fal-proxy/fal-ai/live-portrait/image'],
    ['https://queue.fal.run/fal-ai/live-portrait/requests/r1/status?logs=1', 'http://127.0.0.1:8787/fal-proxy/fal-ai/live-portrait/requests/r1/status?logs=1'],
    ['https://fal.run/fal-ai/sadtalker', 'http://127.0.0.1:8787/fal-proxy/fal-ai/sadtalker'],
    ['https://rest.fal.ai/storage/upload/initiate?storage_type=fal-cdn-v3', 'http://127.0.0.1:8787/fal-proxy/storage/upload/initiate?storage_type=fal-cdn-v3'],
    ['https://rest.alpha.fal.ai/tokens/', 'http://127.0.0.1:8787/fal-proxy/tokens/'],
  ])('%s goes to the base URL with the same path', (from, to) => {
    expect(rewriteFalUrl(new URL(from), base).href).toBe(to)
  })

  it('leaves other hosts alone, and everything alone without a base URL', () => {
    for (const url of ['https://v3.fal.media/files/x.mp4', 'https://storage.googleapis.com/upload/x', 'https://evil.fal.run.example.com/x']) {
      expect(rewriteFalUrl(new URL(url), base).href).toBe(url)
    }
    expect(rewriteFalUrl(new URL('https://queue.fal.run/fal-ai/x'), undefined).href).toBe('https://queue.fal.run/fal-ai/x')
  })

  it('lets the key go only to fal API hosts, or only to the base URL origin when one is set', () => {
    expect(mayCarryKey(new URL('https://queue.fal.run/x'), undefined)).toBe(true)
    expect(mayCarryKey(new URL('https://rest.alpha.fal.ai/x'), undefined)).toBe(true)
    expect(mayCarryKey(new URL('https://v3.fal.media/files/x'), undefined)).toBe(false)
    expect(mayCarryKey(new URL('https://fal.run.attacker.example/x'), undefined)).toBe(false)
    expect(mayCarryKey(new URL('http://queue.fal.run/x'), undefined)).toBe(false)
    expect(mayCarryKey(new URL('http://127.0.0.1:8787/x'), base)).toBe(true)
    expect(mayCarryKey(new URL('http://127.0.0.1:9999/x'), base)).toBe(false)
    expect(mayCarryKey(new URL('https://queue.fal.run/x'), base)).toBe(false)
  })
})

interface Seen {
  readonly method: string
  readonly url: string
  readonly authorization: string | undefined
}

async function listen(handler: (request: IncomingMessage, body: Buffer) => { status: number; body?: unknown; raw?: Buffer }): Promise<{ server: Server; origin: string; seen: Seen[] }> {
  const seen: Seen[] = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      seen.push({ method: request.method ?? '', url: request.url ?? '', authorization: request.headers.authorization })
      const answer = handler(request, Buffer.concat(chunks))
      if (answer.raw) {
        response.writeHead(answer.status, { 'content-type': 'application/octet-stream' }).end(answer.raw)
        return
      }
      if (answer.body === undefined) {
        response.writeHead(answer.status).end()
        return
      }
      response.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen }
}

const servers: Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))))
})

describe('baseUrl over real sockets', () => {
  it('sends every fal call to the base URL (with its path prefix) and the key nowhere else', async () => {
    const uploads = await listen(() => ({ status: 200 }))
    const api = await listen((request) => {
      const path = request.url ?? ''
      if (path.startsWith('/prefix/storage/upload/initiate')) return { status: 200, body: { upload_url: `${uploads.origin}/put/1`, file_url: `${api.origin}/cdn/portrait.png` } }
      if (path === '/prefix/fal-ai/live-portrait/image') return { status: 200, body: { request_id: 'r-1', status: 'IN_QUEUE', queue_position: 0 } }
      if (path.startsWith('/prefix/fal-ai/live-portrait/requests/r-1/status/stream')) return { status: 404, body: { detail: 'Not Found' } }
      if (path.startsWith('/prefix/fal-ai/live-portrait/requests/r-1/status')) return { status: 200, body: { status: 'COMPLETED', request_id: 'r-1', logs: [] } }
      if (path === '/prefix/fal-ai/live-portrait/requests/r-1') return { status: 200, body: { image: { url: `${api.origin}/cdn/out.jpg`, content_type: 'image/jpeg' } } }
      if (path === '/cdn/out.jpg') return { status: 200, raw: Buffer.from(TINY_JPEG) }
      return { status: 404, body: { detail: `unexpected ${path}` } }
    })
    servers.push(uploads.server, api.server)

    const fal = createFal({ apiKey: 'fal-socket-key-123456', baseUrl: `${api.origin}/prefix` })
    const result = await fal.livePortraitImage().animate({ image: TINY_PNG, motion: { type: 'expression', smile: 0.25 } })
    expect(Buffer.from(await result.output.bytes())).toEqual(Buffer.from(TINY_JPEG))

    expect(api.seen.map((request) => `${request.method} ${request.url}`)).toEqual([
      'POST /prefix/storage/upload/initiate?storage_type=fal-cdn-v3',
      'POST /prefix/fal-ai/live-portrait/image',
      'GET /prefix/fal-ai/live-portrait/requests/r-1/status/stream?logs=1',
      'GET /prefix/fal-ai/live-portrait/requests/r-1/status?logs=1',
      'GET /prefix/fal-ai/live-portrait/requests/r-1',
      'GET /cdn/out.jpg',
    ])
    const apiCalls = api.seen.filter((request) => request.url.startsWith('/prefix/'))
    expect(apiCalls.every((request) => request.authorization === 'Key fal-socket-key-123456')).toBe(true)
    expect(api.seen.find((request) => request.url === '/cdn/out.jpg')?.authorization).toBeUndefined()
    expect(uploads.seen).toEqual([{ method: 'PUT', url: '/put/1', authorization: undefined }])
  })
})
