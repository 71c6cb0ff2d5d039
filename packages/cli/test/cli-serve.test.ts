import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createAilab } from '@portrait-animator/adapter-ailab'
import { readMp4Summary } from '@portrait-animator/core'
import { waitUntil } from '@portrait-animator/core/testing'
import { startEmulator } from '@portrait-animator/emulator'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanEnv, firstLine, SAMPLE, startCli } from './run-cli.test-helpers.js'
import { CHUNKED_HEAD, ONE_BYTE_CHUNK, trickler } from './trickle-client.test-helpers.js'

const KEY = 'server-key-for-tests-0001'

type Child = ReturnType<typeof startCli>
/** The AILab response envelope, as far as these tests read it. */
interface Envelope {
  readonly request_id: string
  readonly error_code: number
  readonly error_msg: string
  readonly error_detail: { readonly status_code: number; readonly code: string }
  readonly data: { readonly video: string }
}
let server: Child
let url: string
let portrait: Buffer

async function post(body: FormData, headers: Record<string, string> = { 'ailabapi-api-key': KEY }, base = url) {
  const response = await fetch(`${base}/api/portrait/effects/live-photo`, { method: 'POST', headers, body })
  return { status: response.status, body: (await response.json()) as Envelope }
}

/** Waits until the server reports `count` requests in flight on /healthz (not a guessed delay). */
async function untilInFlight(count: number): Promise<void> {
  await waitUntil(
    async () => {
      const health = (await (await fetch(`${url}/healthz`)).json()) as { inFlight?: number }
      return health.inFlight === count
    },
    { what: `${count} request(s) in flight` },
  )
}

function form(image: Buffer, type = '0', name = 'portrait.png', contentType = 'image/png'): FormData {
  const data = new FormData()
  data.append('image_target', new Blob([new Uint8Array(image)], { type: contentType }), name)
  data.append('type', type)
  return data
}

beforeAll(async () => {
  portrait = await readFile(SAMPLE)
  server = startCli(['serve', '--port', '0', '--api-key', KEY, '--max-concurrent', '1', '--body-timeout', '2', '--min-body-rate', '0'], { env: cleanEnv() })
  url = JSON.parse(await firstLine(server)).url
})

afterAll(async () => {
  if (server.exitCode === null) {
    server.kill('SIGTERM')
    await server.done
  }
})

describe('portrait-animator serve: the AILabTools-compatible server (child process, real sockets)', () => {
  it('answers /healthz (alive) and /readyz: ready, since the default route has the offline animator', async () => {
    const alive = await fetch(`${url}/healthz`)
    expect(alive.status).toBe(200)
    expect(await alive.json()).toEqual({ ok: true, inFlight: 0 })
    const response = await fetch(`${url}/readyz`)
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ ok: true, ready: true, route: 'default', targets: expect.arrayContaining([{ target: 'local/warp', state: 'ready' }]) })
  })

  it('serves the exact AILab request with AILab\'s envelope and a base64 MP4, offline through the default route', async () => {
    const { status, body } = await post(form(portrait))
    expect(status).toBe(200)
    expect(body).toMatchObject({ error_code: 0, error_detail: { status_code: 200, code: '' } })
    expect(body.request_id).toEqual(expect.any(String))
    const video = Buffer.from(body.data.video, 'base64')
    expect(readMp4Summary(video)).toMatchObject({ codec: 'avc1', frameCount: 72 })
  })

  it('lets the AILab adapter move by changing only its base URL', async () => {
    const animator = createAilab({ apiKey: KEY, baseUrl: url, allowPrivateNetwork: true }).livePhoto()
    const result = await animator.animate({ image: SAMPLE, motion: { type: 'preset', preset: 'live-photo', framing: 'full-body' } })
    expect(result.output.mimeType).toBe('video/mp4')
    expect(readMp4Summary(await result.output.bytes()).frameCount).toBe(72)
  })

  it('answers errors in AILab\'s envelope with its codes', async () => {
    const badKey = await post(form(portrait), { 'ailabapi-api-key': 'not-the-key' })
    expect(badKey).toMatchObject({ status: 401, body: { error_code: 401, error_detail: { code: 'ERROR_USER_NOT_EXISTS' } } })

    const html = await post(form(Buffer.from('<!doctype html><p>hello</p>'), '0', 'photo.jpg', 'image/jpeg'))
    expect(html).toMatchObject({ status: 415, body: { error_detail: { code: 'UNSUPPORTED_FILE_TYPES' } } })

    const gradient = await sharp({ create: { width: 256, height: 256, channels: 3, background: '#808080' } }).png().toBuffer()
    const noFace = await post(form(gradient))
    expect(noFace).toMatchObject({ status: 422, body: { error_code: 422, error_detail: { code: 'ERROR_NO_FACE_IN_FILE' } } })

    const badType = await post(form(portrait, '7'))
    expect(badType.status).toBe(422)

    const huge = await post(form(Buffer.alloc(7 * 1024 * 1024)))
    expect(huge).toMatchObject({ status: 413, body: { error_detail: { code: 'FILE_SIZE_EXCEEDS_LIMIT' } } })
  })

  it('answers 503 AI_SERVICE_FLOW_RESTRICTION when saturated', async () => {
    const first = post(form(portrait))
    await untilInFlight(1)
    const second = await post(form(portrait))
    expect((await first).status).toBe(200)
    expect(second).toMatchObject({ status: 503, body: { error_detail: { code: 'AI_SERVICE_FLOW_RESTRICTION' } } })
  })

  it('serves a request while two clients trickle their bodies into the only slot, and answers them 408 (--body-timeout)', async () => {
    const tricklers = [trickler(url, CHUNKED_HEAD(KEY), ONE_BYTE_CHUNK, 250, 200), trickler(url, CHUNKED_HEAD(KEY), ONE_BYTE_CHUNK, 250, 200)]
    await waitUntil(() => tricklers.every((client) => client.sent() >= 2), { what: 'the trickling clients' })
    const stillTrickling = tricklers.every((client) => client.open())
    const { status, body } = await post(form(portrait))
    const outcomes = await Promise.all(tricklers.map((client) => client.outcome))
    expect(stillTrickling).toBe(true)
    expect(status).toBe(200)
    expect(readMp4Summary(Buffer.from(body.data.video, 'base64'))).toMatchObject({ codec: 'avc1', frameCount: 72 })
    for (const outcome of outcomes) expect(outcome).toMatchObject({ status: 408, closedByServer: true })
  })

  it('finishes the request in flight on SIGTERM, then exits 0; its access log never holds the key', async () => {
    const inFlight = post(form(portrait))
    await untilInFlight(1)
    server.kill('SIGTERM')
    const answer = await inFlight
    expect(answer.status).toBe(200)
    const run = await server.done
    expect(run.code).toBe(0)
    const lines = run.stderr.split('\n').filter((line) => line.startsWith('{'))
    expect(lines.length).toBeGreaterThanOrEqual(8)
    expect(JSON.parse(lines[0]!)).toHaveProperty('status')
    expect(run.stderr).not.toContain(KEY)
    expect(run.stderr).not.toContain('not-the-key')
  })
})

/** Writes `config` as portrait-animator.json in a new folder and starts `serve` there. */
async function serveWith(config: unknown, env: Record<string, string> = {}) {
  const folder = await mkdtemp(join(tmpdir(), 'pa-serve-'))
  await writeFile(join(folder, 'portrait-animator.json'), JSON.stringify(config))
  const child = startCli(['serve', '--port', '0', '--api-key', KEY], { cwd: folder, env: cleanEnv(env) })
  const serverUrl = (JSON.parse(await firstLine(child)) as { url: string }).url
  return { child, url: serverUrl }
}

async function stop(child: Child) {
  if (child.exitCode === null) child.kill('SIGTERM')
  return child.done
}

describe('portrait-animator serve with a config that cannot serve (child process)', () => {
  it('/readyz is 503 with the reason when the route\'s only target has no key, while /healthz says the process is alive', async () => {
    const { child, url: serverUrl } = await serveWith({ providers: { fal: { adapter: 'fal', apiKey: 'env:FAL_KEY' } }, routes: { default: { strategy: 'fallback', targets: ['fal/live-portrait'] } } })
    try {
      expect((await fetch(`${serverUrl}/healthz`)).status).toBe(200)
      const response = await fetch(`${serverUrl}/readyz`)
      expect(response.status).toBe(503)
      expect(await response.json()).toMatchObject({
        ok: false,
        ready: false,
        reason: 'every target of route "default" is skipped',
        targets: [{ target: 'fal/live-portrait', state: 'unconfigured' }],
      })
    } finally {
      await stop(child)
    }
  })

  it('tells the client what to do when every target fails, and logs the attempts for the operator', async () => {
    const emulator = await startEmulator({ seed: 19, faults: [{ route: 'fal.*', status: 500, message: 'upstream exploded in rack 7' }] })
    const falKey = 'fal-emulator-key-19'
    const config = {
      providers: { fal: { adapter: 'fal', apiKey: 'env:FAL_KEY', baseUrl: emulator.baseUrl, settings: { allowPrivateNetwork: true } } },
      routes: { default: { strategy: 'fallback', targets: ['fal/live-portrait'] } },
      retry: { maxAttempts: 1 },
    }
    const { child, url: serverUrl } = await serveWith(config, { FAL_KEY: falKey })
    try {
      const { status, body } = await post(form(portrait), undefined, serverUrl)
      expect(status).toBe(500)
      expect(body.error_detail.code).toBe('AI_SERVICE_ERROR')
      expect(body.error_msg).toContain('Try again later')
      for (const leak of ['fal', 'live-portrait', emulator.baseUrl, '127.0.0.1', 'route', 'rack 7', '500']) expect(body.error_msg).not.toContain(leak)
    } finally {
      const run = await stop(child)
      await emulator.stop()
      const line = run.stderr.split('\n').find((text) => text.includes('"path":"/api/portrait/effects/live-photo"'))
      const entry = JSON.parse(line ?? '{}') as { status?: number; error?: { kind: string; attempts?: { target: string; errorKind?: string; reason?: string }[] } }
      expect(entry).toMatchObject({ status: 500, error: { kind: 'unavailable', attempts: [{ target: 'fal/live-portrait', errorKind: 'unavailable' }] } })
      expect(run.stderr).not.toContain(falKey)
    }
  })
})
