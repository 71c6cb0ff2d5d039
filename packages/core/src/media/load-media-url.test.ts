import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadMedia } from './load-media.js'
import { PRIVATE_ADDRESS_CODE } from './public-address-lookup.js'
import { publicOnlyFetch } from './public-only-fetch.js'
import { ASTRONAUT_PNG, encodedImage } from './test-fixtures.test-helpers.js'
import { expectAnimatorError } from '../testing/index.js'

/** What the test server saw, so tests can prove what was (not) fetched. */
const seen: string[] = []
let streamClosed: Promise<number> = Promise.resolve(0)
let server: Server
let origin = ''
let astronaut: Uint8Array
const photoJpeg = await encodedImage('jpeg', 320, 240)

const routes: Record<string, (request: IncomingMessage, response: ServerResponse) => void> = {
  '/portrait.png': (_request, response) => {
    response.writeHead(200, { 'content-type': 'image/png', 'content-length': astronaut.length })
    response.end(astronaut)
  },
  '/files/photo.png': (_request, response) => {
    // JPEG bytes behind a .png name and an image/png type: the bytes decide.
    response.writeHead(200, { 'content-type': 'image/png' })
    response.end(photoJpeg)
  },
  '/download': (_request, response) => {
    response.writeHead(302, { location: '/files/photo.png' })
    response.end()
  },
  '/no-location': (_request, response) => {
    response.writeHead(301)
    response.end()
  },
  '/error-page.jpg': (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' })
    response.end('<!DOCTYPE html><html><body><h1>Please log in</h1></body></html>')
  },
  '/declares-too-much': (_request, response) => {
    response.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': 10_000_000 })
    response.write(new Uint8Array(1024))
  },
  '/endless': (_request, response) => {
    let written = 0
    streamClosed = new Promise((resolve) => response.on('close', () => resolve(written)))
    response.writeHead(200, { 'content-type': 'image/jpeg' })
    const chunk = new Uint8Array(64 * 1024).fill(0xab)
    const pump = () => {
      while (!response.destroyed && written < 1024 * 1024 * 1024) {
        written += chunk.length
        if (!response.write(chunk)) return void response.once('drain', pump)
      }
    }
    pump()
  },
  '/hang': () => {
    // Never answers; only the caller's signal ends the request.
  },
}

beforeAll(async () => {
  astronaut = await readFile(ASTRONAUT_PNG)
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://test')
    seen.push(url.pathname + url.search)
    const hops = /^\/hops\/(\d+)$/.exec(url.pathname)
    if (hops) {
      const left = Number(hops[1])
      response.writeHead(302, { location: left === 0 ? '/portrait.png' : `/hops/${left - 1}` })
      return void response.end()
    }
    if (url.pathname === '/redirect') {
      response.writeHead(307, { location: url.searchParams.get('to') ?? '/' })
      return void response.end()
    }
    const route = routes[url.pathname]
    if (route === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' })
      return void response.end('not found')
    }
    route(request, response)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

/** Pretends a public address serves what the local server serves: the URL checks see 93.184.216.34. */
const PUBLIC_ORIGIN = 'http://93.184.216.34'
const viaPublicAddress = ((input: string | URL | Request, init?: RequestInit) => fetch(String(input).replace(PUBLIC_ORIGIN, origin), init)) as typeof fetch

const local = { field: 'image', expect: 'image', allowPrivateNetwork: true } as const

describe('loadMedia over http', () => {
  it('downloads an image and keeps the original URL', async () => {
    const media = await loadMedia(`${origin}/portrait.png?token=abc`, local)
    expect(media).toMatchObject({ format: 'png', width: 512, height: 512, source: 'url', fileName: 'portrait.png', url: `${origin}/portrait.png?token=abc` })
    expect(media.bytes.byteLength).toBe(astronaut.length)
  })

  it('accepts a URL object', async () => {
    expect(await loadMedia(new URL(`${origin}/portrait.png`), local)).toMatchObject({ format: 'png', source: 'url' })
  })

  it('follows a relative redirect and names the file after where it landed, by its real type', async () => {
    const media = await loadMedia(`${origin}/download`, local)
    expect(media).toMatchObject({ format: 'jpeg', width: 320, height: 240, fileName: 'photo.jpg', url: `${origin}/download` })
  })

  it('follows up to 5 redirects', async () => {
    seen.length = 0
    expect(await loadMedia(`${origin}/hops/4`, local)).toMatchObject({ format: 'png' })
    expect(seen).toEqual(['/hops/4', '/hops/3', '/hops/2', '/hops/1', '/hops/0', '/portrait.png'])
  })

  it('gives up after 5 redirects without fetching the 7th URL', async () => {
    seen.length = 0
    const error = await expectAnimatorError(loadMedia(`${origin}/hops/5`, local))
    expect(error).toMatchObject({ kind: 'invalid_input', field: 'image', rule: 'url-fetch', limit: 'at most 5 redirects' })
    expect(seen).toHaveLength(6)
    expect(seen).not.toContain('/portrait.png')
  })

  it('reports a 404 with its status and without the query string', async () => {
    const error = await expectAnimatorError(loadMedia(`${origin}/gone.jpg?X-Amz-Signature=supersecretsig&user=me`, { ...local, field: 'motion.audio', expect: 'audio' }))
    expect(error).toMatchObject({ kind: 'invalid_input', field: 'motion.audio', rule: 'url-fetch', statusCode: 404, actual: 'HTTP 404' })
    expect(error.message).toContain('HTTP 404')
    expect(error.message).toContain('/gone.jpg')
    for (const surface of [error.message, JSON.stringify(error), String(error.stack)]) expect(surface).not.toContain('supersecretsig')
  })

  it('reports a redirect without a Location header', async () => {
    const error = await expectAnimatorError(loadMedia(`${origin}/no-location`, local))
    expect(error).toMatchObject({ rule: 'url-fetch', statusCode: 301 })
  })

  it('rejects an HTML error page served with status 200', async () => {
    const error = await expectAnimatorError(loadMedia(`${origin}/error-page.jpg`, local))
    expect(error).toMatchObject({ rule: 'not-media', actual: 'html' })
  })

  it('rejects a declared Content-Length over the cap without reading the body', async () => {
    const error = await expectAnimatorError(loadMedia(`${origin}/declares-too-much`, { ...local, maxBytes: 1_000_000 }))
    expect(error).toMatchObject({ kind: 'invalid_input', rule: 'download-too-large', limit: 1_000_000, actual: 10_000_000 })
  })

  it('stops reading an endless body at the cap and closes the connection', async () => {
    const maxBytes = 1024 * 1024
    const error = await expectAnimatorError(loadMedia(`${origin}/endless`, { ...local, maxBytes }))
    expect(error).toMatchObject({ kind: 'invalid_input', field: 'image', rule: 'download-too-large', limit: maxBytes })
    expect(Number(error.actual)).toBeGreaterThan(maxBytes)
    expect(Number(error.actual)).toBeLessThan(maxBytes + 1024 * 1024)
    // The server sees the connection go away long before its 1 GB is sent.
    const written = await streamClosed
    expect(written).toBeLessThan(512 * 1024 * 1024)
  })

  it('is cancelled by the caller signal while waiting for a response', async () => {
    const controller = new AbortController()
    const pending = loadMedia(`${origin}/hang`, { ...local, signal: controller.signal })
    setTimeout(() => controller.abort(), 20)
    const error = await expectAnimatorError(pending)
    expect(error.kind).toBe('cancelled')
  })

  it('refuses a URL with credentials without repeating them', async () => {
    seen.length = 0
    const error = await expectAnimatorError(loadMedia(`http://alice:hunter2secret@127.0.0.1:${new URL(origin).port}/portrait.png`, local))
    expect(error).toMatchObject({ kind: 'invalid_input', rule: 'url-fetch', actual: 'a URL with credentials' })
    expect(JSON.stringify(error)).not.toContain('hunter2secret')
    expect(error.message).not.toContain('hunter2secret')
    expect(seen).toEqual([])
  })

  it('reports a refused connection as url-fetch', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    const error = await expectAnimatorError(loadMedia(`http://127.0.0.1:${port}/a.jpg`, local))
    expect(error).toMatchObject({ kind: 'invalid_input', rule: 'url-fetch' })
    expect(error.message).toContain('network error')
  })
})

describe('every redirect hop is checked', () => {
  const publicOnly = { field: 'image', expect: 'image', fetch: viaPublicAddress } as const

  it('serves from a public address', async () => {
    expect(await loadMedia(`${PUBLIC_ORIGIN}/portrait.png`, publicOnly)).toMatchObject({ format: 'png', url: `${PUBLIC_ORIGIN}/portrait.png` })
  })

  it.each([
    ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data/', 'private-address'],
    ['loopback', 'http://127.0.0.1/portrait.png', 'private-address'],
    ['localhost by name', 'http://localhost/portrait.png', 'private-address'],
    ['IPv6 loopback', 'http://[::1]/portrait.png', 'private-address'],
    ['a file: URL', 'file:///etc/passwd', 'url-scheme'],
    ['a URL with credentials', `${PUBLIC_ORIGIN}/portrait.png`.replace('//', '//user:secret@'), 'url-fetch'],
  ])('refuses a redirect to %s', async (_name, target, rule) => {
    seen.length = 0
    const error = await expectAnimatorError(loadMedia(`${PUBLIC_ORIGIN}/redirect?to=${encodeURIComponent(target)}`, publicOnly))
    expect(error).toMatchObject({ kind: 'invalid_input', field: 'image', rule })
    expect(seen).toHaveLength(1) // the redirect itself, and nothing after it
  })
})

describe('the default fetch re-checks addresses when it connects', () => {
  it('refuses to connect to a host name that resolves to loopback, even when called directly', async () => {
    seen.length = 0
    const guarded = await publicOnlyFetch()
    const port = new URL(origin).port
    const error = await guarded(`http://localhost:${port}/portrait.png`).then(
      () => undefined,
      (thrown: unknown) => thrown as Error & { cause?: { code?: string } },
    )
    expect(error?.cause?.code).toBe(PRIVATE_ADDRESS_CODE)
    expect(seen).toEqual([])
  })
})
