import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { falFetch, rewriteFalUrl } from './fal-fetch.js'
import { startEmulator, type Emulator } from './start-emulator.js'
import { createTestPortrait } from './test-images.js'
import type { LooseJson } from './loose-json.test-helpers.js'

const AUTH = { authorization: 'Key route-test:secret', 'content-type': 'application/json' }

async function call(emulator: Emulator, method: string, path: string, body?: unknown, headers: Record<string, string> = AUTH) {
  const response = await fetch(`${emulator.baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
  const text = await response.text()
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as LooseJson) : undefined }
}

describe('fal queue routes', () => {
  let emulator: Emulator
  // Jobs that cannot finish during a test, for the checks of a request still queued or running
  // (on a busy machine 200 ms pass between two calls).
  let slow: Emulator

  beforeAll(async () => {
    emulator = await startEmulator({ seed: 21, jobDurationMs: 200, credits: { fal: { 'broke:key': 0 } } })
    slow = await startEmulator({ seed: 22, jobDurationMs: 600_000 })
  })
  afterAll(() => Promise.all([emulator.stop(), slow.stop()]))

  it('answers a submit with request id and URLs that drop the endpoint sub-path', async () => {
    const submitted = await call(slow, 'POST', '/fal-ai/live-portrait/image', { image_url: 'https://example.com/face.jpg' })
    expect(submitted.status).toBe(200)
    const id = submitted.body!.request_id as string
    expect(submitted.headers.get('x-fal-request-id')).toBe(id)
    expect(submitted.body).toMatchObject({
      status: 'IN_QUEUE',
      queue_position: expect.any(Number),
      status_url: `${slow.baseUrl}/fal-ai/live-portrait/requests/${id}/status`,
      response_url: `${slow.baseUrl}/fal-ai/live-portrait/requests/${id}`,
      cancel_url: `${slow.baseUrl}/fal-ai/live-portrait/requests/${id}/cancel`,
    })
    const status = await call(slow, 'GET', `/fal-ai/live-portrait/requests/${id}/status?logs=1`)
    expect(status.status).toBe(200)
    expect(['IN_QUEUE', 'IN_PROGRESS']).toContain(status.body!.status)
    const withSubPath = await call(slow, 'GET', `/fal-ai/live-portrait/image/requests/${id}/status`)
    expect(withSubPath.status).toBe(404)
  })

  it('reports queue positions for requests waiting behind others', async () => {
    const first = await call(slow, 'POST', '/fal-ai/sadtalker', {})
    const second = await call(slow, 'POST', '/fal-ai/sadtalker', {})
    expect(second.body!.queue_position).toBe((first.body!.queue_position as number) + 1)
  })

  it('answers the result endpoint with 400 while the request is still running', async () => {
    const { body } = await call(slow, 'POST', '/fal-ai/live-portrait/image', { image_url: 'https://example.com/face.jpg' })
    const early = await call(slow, 'GET', `/fal-ai/live-portrait/requests/${body!.request_id}`)
    expect(early.status).toBe(400)
    expect(early.body).toEqual({ detail: 'Request is still in progress' })
  })

  it('hides a request from another account and from an unknown id', async () => {
    const { body } = await call(emulator, 'POST', '/fal-ai/live-portrait/image', { image_url: 'https://example.com/face.jpg' })
    const other = await call(emulator, 'GET', `/fal-ai/live-portrait/requests/${body!.request_id}/status`, undefined, { authorization: 'Key other:key' })
    expect(other.status).toBe(404)
    const unknown = await call(emulator, 'PUT', '/fal-ai/live-portrait/requests/nope/cancel')
    expect(unknown).toMatchObject({ status: 404, body: { status: 'NOT_FOUND' } })
  })

  it('rejects a missing key, an unknown app, a non-JSON body and a non-loopback webhook', async () => {
    expect((await call(emulator, 'POST', '/fal-ai/live-portrait', {}, { 'content-type': 'application/json' })).status).toBe(401)
    expect(await call(emulator, 'POST', '/fal-ai/flux/dev', {})).toMatchObject({ status: 404, body: { detail: expect.stringContaining('not found') } })
    const garbled = await fetch(`${emulator.baseUrl}/fal-ai/live-portrait`, { method: 'POST', headers: AUTH, body: '{oops' })
    expect(garbled.status).toBe(422)
    expect(await garbled.json()).toMatchObject({ detail: [{ loc: ['body'], type: 'json_invalid' }] })
    const webhook = await call(emulator, 'POST', '/fal-ai/live-portrait?fal_webhook=https://hooks.example.com/x', {})
    expect(webhook).toMatchObject({ status: 422, body: { detail: [{ loc: ['query', 'fal_webhook'] }] } })
    expect(emulator.ledger.submissions({ key: 'route-test:secret', model: 'fal-ai/live-portrait' })).toHaveLength(0)
  })

  it('answers 403 with the exhausted-balance message when the account has no credits', async () => {
    const broke = await call(emulator, 'POST', '/fal-ai/live-portrait', {}, { authorization: 'Key broke:key' })
    expect(broke.status).toBe(403)
    expect(broke.body!.detail).toMatch(/Exhausted balance/)
  })

  it('streams status as server-sent events until COMPLETED', async () => {
    const { body } = await call(emulator, 'POST', '/fal-ai/live-portrait/image', { image_url: 'https://example.com/face.jpg' })
    const response = await fetch(`${emulator.baseUrl}/fal-ai/live-portrait/requests/${body!.request_id}/status/stream?logs=1`, { headers: AUTH })
    expect(response.headers.get('content-type')).toBe('text/event-stream')
    const events = (await response.text())
      .split('\n\n')
      .filter((chunk) => chunk.startsWith('data: '))
      .map((chunk) => JSON.parse(chunk.slice(6)) as { status: string })
    expect(events.at(-1)?.status).toBe('COMPLETED')
    expect(events.length).toBeGreaterThan(1)
    expect(emulator.ledger.statusRequests(body!.request_id as string)).toBe(1)
  })

  it('supports the multipart upload protocol', async () => {
    const initiated = await call(emulator, 'POST', '/storage/upload/initiate-multipart?storage_type=fal-cdn-v3', {
      content_type: 'application/octet-stream',
      file_name: 'big.bin',
    })
    const uploadUrl = new URL(initiated.body!.upload_url as string)
    const parts = [Buffer.alloc(10, 1), Buffer.alloc(5, 2)]
    const etags = []
    for (const [index, part] of parts.entries()) {
      const answer = await fetch(`${uploadUrl.origin}${uploadUrl.pathname}/${index + 1}`, { method: 'PUT', body: new Uint8Array(part) })
      etags.push(await answer.json())
    }
    expect(etags[0]).toMatchObject({ partNumber: 1, etag: expect.any(String) })
    const completed = await fetch(`${uploadUrl.origin}${uploadUrl.pathname}/complete`, { method: 'POST', body: JSON.stringify({ parts: etags }) })
    expect(completed.status).toBe(200)
    const file = await fetch(initiated.body!.file_url as string)
    expect(Buffer.from(await file.arrayBuffer()).equals(Buffer.concat(parts))).toBe(true)
  })

  it('serves the sync fal.run protocol at /fal-run', async () => {
    const portrait = `data:image/png;base64,${(await createTestPortrait()).toString('base64')}`
    const response = await falFetch(emulator.baseUrl)('https://fal.run/fal-ai/live-portrait/image', {
      method: 'POST',
      headers: AUTH,
      body: JSON.stringify({ image_url: portrait }),
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ image: { content_type: 'image/jpeg', width: 256, height: 256 } })
    const requestId = response.headers.get('x-fal-request-id')!
    expect(emulator.ledger.charges({ requestId })).toMatchObject([{ route: 'fal.run', credits: 1 }])
  })

  it('serves the webhook JWKS with an Ed25519 key', async () => {
    const { body } = await call(emulator, 'GET', '/.well-known/jwks.json')
    expect(body!.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: expect.any(String) })
  })
})

describe('falFetch', () => {
  it('rewrites every fal host onto the emulator with the path unchanged, and leaves other URLs alone', () => {
    const base = 'http://127.0.0.1:9999'
    expect(rewriteFalUrl('https://queue.fal.run/fal-ai/live-portrait?x=1', base)).toBe(`${base}/fal-ai/live-portrait?x=1`)
    expect(rewriteFalUrl('https://rest.fal.ai/storage/upload/initiate?storage_type=fal-cdn-v3', base)).toBe(
      `${base}/storage/upload/initiate?storage_type=fal-cdn-v3`,
    )
    expect(rewriteFalUrl('https://rest.alpha.fal.ai/.well-known/jwks.json', base)).toBe(`${base}/.well-known/jwks.json`)
    expect(rewriteFalUrl('https://fal.run/fal-ai/sadtalker', base)).toBe(`${base}/fal-run/fal-ai/sadtalker`)
    expect(rewriteFalUrl('https://v3.fal.media/files/x.png', base)).toBe('https://v3.fal.media/files/x.png')
    expect(rewriteFalUrl(`${base}/__fal/cdn/files/a/b.png`, base)).toBe(`${base}/__fal/cdn/files/a/b.png`)
  })
})
