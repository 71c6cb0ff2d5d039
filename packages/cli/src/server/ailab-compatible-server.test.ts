import { createScriptedAnimator, waitUntil } from '@portrait-animator/core/testing'
import sharp from 'sharp'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { CHUNKED_HEAD, ONE_BYTE_CHUNK, trickler } from '../../test/trickle-client.test-helpers.js'
import type { AccessLogEntry } from './access-log.js'
import { LIVE_PHOTO_PATH, startAilabCompatibleServer, type AilabCompatibleServer, type AilabCompatibleServerOptions } from './ailab-compatible-server.js'

const KEY = 'server-key-for-tests-0002'
const VIDEO = new TextEncoder().encode('a video, as far as these tests care')
let portrait: Buffer
const servers: AilabCompatibleServer[] = []

beforeAll(async () => {
  portrait = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#a0a0a0' } }).png().toBuffer()
})
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close(0)))
})

async function start(options: Partial<AilabCompatibleServerOptions> = {}): Promise<AilabCompatibleServer> {
  const server = await startAilabCompatibleServer({ animator: createScriptedAnimator({ script: [{ type: 'succeed', bytes: VIDEO }] }), apiKeys: [KEY], ...options })
  servers.push(server)
  return server
}

async function post(url: string): Promise<{ status: number; body: { error_code: number; error_msg: string; error_detail: { code: string }; data?: { video: string } } }> {
  const form = new FormData()
  form.append('image_target', new Blob([new Uint8Array(portrait)], { type: 'image/png' }), 'portrait.png')
  const response = await fetch(`${url}${LIVE_PHOTO_PATH}`, { method: 'POST', headers: { 'ailabapi-api-key': KEY }, body: form })
  return { status: response.status, body: await response.json() }
}

describe('the AILab-compatible server under slow clients (in-process, real sockets)', () => {
  it('serves normal requests while four clients trickle their bodies, and answers each trickler 408 at its deadline', async () => {
    const server = await start({ maxConcurrent: 2, bodyTimeoutMs: 3_000, minBodyBytesPerSecond: 0 })
    let requests = 0
    server.server.on('request', () => requests++)
    const tricklers = Array.from({ length: 4 }, () => trickler(server.url, CHUNKED_HEAD(KEY), ONE_BYTE_CHUNK, 250, 200))
    await waitUntil(() => requests >= 4 && tricklers.every((client) => client.sent() >= 1), { what: 'the trickling clients' })

    // Normal requests, one after another, for as long as all four tricklers stay connected (at most 20).
    const whileTrickling: number[] = []
    for (let index = 0; index < 20 && tricklers.every((client) => client.open()); index++) {
      const answer = await post(server.url)
      if (!tricklers.every((client) => client.open())) break
      whileTrickling.push(answer.status)
      if (answer.status === 200) expect(Buffer.from(answer.body.data?.video ?? '', 'base64')).toEqual(Buffer.from(VIDEO))
    }
    const outcomes = await Promise.all(tricklers.map((client) => client.outcome))

    console.info(`slow clients: ${whileTrickling.filter((status) => status === 200).length} of ${whileTrickling.length} normal requests served while 4 clients trickled; tricklers got ${outcomes.map((outcome) => outcome.status).join(', ')}`)
    expect(whileTrickling.length).toBeGreaterThanOrEqual(1)
    expect(whileTrickling).toEqual(whileTrickling.map(() => 200))
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({ status: 408, closedByServer: true })
      expect(JSON.parse(outcome.body)).toMatchObject({ error_code: 408, error_detail: { status_code: 408, code: 'ERROR_REQUEST_TIMEOUT' } })
    }
  })

  it('bounds the uploads received at once (maxPendingUploads): one more gets 503 without waiting', async () => {
    const server = await start({ maxPendingUploads: 1, bodyTimeoutMs: 4_000, minBodyBytesPerSecond: 0 })
    let requests = 0
    server.server.on('request', () => requests++)
    const client = trickler(server.url, CHUNKED_HEAD(KEY), ONE_BYTE_CHUNK, 250, 100)
    await waitUntil(() => requests >= 1 && client.sent() >= 1, { what: 'the trickling clients' })
    const stillUploading = client.open()
    const answer = await post(server.url)
    expect(stillUploading).toBe(true)
    expect(answer).toMatchObject({ status: 503, body: { error_detail: { code: 'AI_SERVICE_FLOW_RESTRICTION' } } })
    expect(await client.outcome).toMatchObject({ status: 408 })
    expect((await post(server.url)).status).toBe(200)
  })

  it('lets a stalled upload go at the minimum rate, long before the body deadline', async () => {
    const server = await start({ bodyTimeoutMs: 600_000, minBodyBytesPerSecond: 100, bodyRateGraceMs: 300 })
    const outcome = await trickler(server.url, CHUNKED_HEAD(KEY), ONE_BYTE_CHUNK, 200, 100).outcome
    expect(outcome).toMatchObject({ status: 408, closedByServer: true })
    expect(JSON.parse(outcome.body).error_detail.message).toContain('100 bytes/s')
  })

  it('bounds a client that trickles its headers', async () => {
    const server = await start({ headersTimeoutMs: 1_000 })
    const outcome = await trickler(server.url, `POST ${LIVE_PHOTO_PATH} HTTP/1.1\r\nX-Slow: `, 'a', 200, 100).outcome
    expect(outcome).toMatchObject({ status: 408, closedByServer: true })
  })
})

describe('what a client is told when every target fails (in-process)', () => {
  it('says what the client can do; the access log has the attempts', async () => {
    const log: AccessLogEntry[] = []
    const internal = 'No target could serve the request on route "default". fal/live-portrait: unavailable (HTTP 500 from http://10.0.0.7:9000/fal-ai/live-portrait)'
    const animator = createScriptedAnimator({
      script: [{ type: 'fail', error: { kind: 'unavailable', message: internal, attempts: [{ target: 'fal/live-portrait', provider: 'fal', modelId: 'live-portrait', outcome: 'failed', errorKind: 'unavailable', reason: 'HTTP 500 from http://10.0.0.7:9000/fal-ai/live-portrait', attempt: 1, startedAt: new Date(0).toISOString(), durationMs: 3 }] } }],
    })
    const server = await start({ animator, log: (entry) => log.push(entry) })
    const answer = await post(server.url)
    expect(answer.status).toBe(500)
    for (const leak of ['fal', 'live-portrait', '10.0.0.7', 'route', 'HTTP 500']) expect(answer.body.error_msg).not.toContain(leak)
    expect(answer.body.error_msg).toContain('Try again later')
    const line = log.find((entry) => entry.path === LIVE_PHOTO_PATH)
    expect(line?.error).toMatchObject({ kind: 'unavailable', attempts: [{ target: 'fal/live-portrait', errorKind: 'unavailable', reason: expect.stringContaining('HTTP 500') }] })
  })
})

describe('/readyz and /healthz (in-process)', () => {
  it('/readyz is 503 with the reason when the readiness check says the server cannot serve, else 200; /healthz is 200 throughout', async () => {
    let ready = false
    const server = await start({ readiness: () => (ready ? { ready: true } : { ready: false, reason: 'every target of route "default" is skipped' }) })
    const notReady = await fetch(`${server.url}/readyz`)
    expect(notReady.status).toBe(503)
    expect(await notReady.json()).toMatchObject({ ok: false, reason: 'every target of route "default" is skipped' })
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
    ready = true
    const healthy = await fetch(`${server.url}/readyz`)
    expect(healthy.status).toBe(200)
  })
})
