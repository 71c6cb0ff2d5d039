import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AILAB_LIVE_PHOTO_COST } from '@portrait-animator/adapter-ailab'
import { waitUntil } from '@portrait-animator/core/testing'
import { startEmulator, type Emulator } from '@portrait-animator/emulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { schemaProblems } from './openapi-check.test-helpers.js'
import { cleanEnv, firstLine, SAMPLE, startCli } from './run-cli.test-helpers.js'

/**
 * `serve` as an operator runs it (child process, real sockets, providers on the emulator): the
 * OpenAPI document against real exchanges, the Prometheus metrics after real requests, and SIGHUP
 * reloading the config while a paid request is in flight.
 */

const KEY = 'server-key-for-ops-tests-0003'
const AILAB_KEY = 'ailab-emulator-key-ops-31'
const PATH = '/api/portrait/effects/live-photo'

interface Envelope {
  readonly request_id: string
  readonly error_detail: { readonly status_code: number; readonly code: string }
}
type Schema = Record<string, unknown>

let emulator: Emulator
let folder = ''
let server: ReturnType<typeof startCli>
let url = ''
let stderr = ''
let portrait: Buffer

/**
 * The config the server starts with: AILab on the emulator, fal unconfigured (skipped). The local
 * adapter is loaded but off the route, so the reload to it does not wait for its first import.
 */
function ailabConfig(): object {
  return {
    stateDir: join(folder, 'state'),
    providers: { ailab: { adapter: 'ailab', apiKey: 'env:AILAB_API_KEY', baseUrl: emulator.baseUrl }, fal: { adapter: 'fal', apiKey: 'env:FAL_KEY' }, local: { adapter: 'local' } },
    routes: { default: { strategy: 'fallback', targets: ['fal/live-portrait', 'ailab/live-photo'] } },
    retry: { maxAttempts: 1 },
  }
}

beforeAll(async () => {
  portrait = await readFile(SAMPLE)
  emulator = await startEmulator({ seed: 31, jobDurationMs: 50 })
  folder = await mkdtemp(join(tmpdir(), 'pa-serve-ops-'))
  await writeFile(join(folder, 'portrait-animator.json'), JSON.stringify(ailabConfig()))
  server = startCli(['serve', '--port', '0', '--api-key', KEY], { cwd: folder, env: cleanEnv({ AILAB_API_KEY: AILAB_KEY }) })
  server.stderr!.on('data', (chunk: Buffer | string) => (stderr += chunk.toString()))
  url = (JSON.parse(await firstLine(server)) as { url: string }).url
}, 60_000)

afterAll(async () => {
  if (server && server.exitCode === null) {
    server.kill('SIGTERM')
    await server.done
  }
  await emulator?.stop()
  if (folder) await rm(folder, { recursive: true, force: true })
})

function form(fields: Record<string, Blob | string>): FormData {
  const data = new FormData()
  for (const [name, value] of Object.entries(fields)) data.append(name, value)
  return data
}

const image = () => new Blob([new Uint8Array(portrait)], { type: 'image/png' })

async function call(body: FormData | undefined, init: { key?: string; method?: string } = {}) {
  const response = await fetch(`${url}${PATH}`, { method: init.method ?? 'POST', headers: { 'ailabapi-api-key': init.key ?? KEY }, ...(body ? { body } : {}) })
  return { status: response.status, body: (await response.json()) as Envelope & Record<string, unknown> }
}

/** The access log entry of one request, by the request id the client was told (written just after the answer). */
async function accessLine(requestId: string): Promise<{ status: number; servedBy?: string }> {
  const find = () => stderr.split('\n').find((text) => text.includes(`"requestId":"${requestId}"`))
  await waitUntil(() => find() !== undefined, { what: `the access log line of ${requestId}` })
  return JSON.parse(find()!)
}

/** Operator lines (`{"event": ...}`) on stderr, in order. */
function events(name: string): Record<string, unknown>[] {
  return stderr
    .split('\n')
    .filter((text) => text.includes(`"event":"${name}"`))
    .map((text) => JSON.parse(text) as Record<string, unknown>)
}

/** Scrapes /metrics into `name{labels}` -> value, labels in the order Prometheus prints them. */
async function scrape(): Promise<Map<string, number>> {
  const response = await fetch(`${url}/metrics`)
  expect(response.headers.get('content-type')).toContain('text/plain')
  const samples = new Map<string, number>()
  for (const line of (await response.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const match = /^([a-zA-Z_:][\w:]*(?:\{.*\})?) (\S+)$/.exec(line)
    expect(match, `a sample line: ${line}`).not.toBeNull()
    samples.set(match![1]!, Number(match![2]))
  }
  return samples
}

describe('serve: GET /openapi.json describes what the server accepts and answers (child process)', () => {
  it('holds a real request and its responses (success and every error met) against the document', async () => {
    const document = (await (await fetch(`${url}/openapi.json`)).json()) as Schema & { paths: Record<string, { post: Schema & { requestBody: Schema; responses: Record<string, { content: Record<string, { schema: Schema }> }> } }> }
    expect(document.openapi).toBe('3.1.0')
    const operation = document.paths[PATH]!.post
    const requestSchema = (operation.requestBody.content as Record<string, { schema: Schema }>)['multipart/form-data']!.schema

    // The request: its multipart fields as the document types them (files are strings of bytes).
    const fields = { image_target: image(), type: '1' }
    const asDocumented = Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, typeof value === 'string' ? value : '<binary>']))
    expect(schemaProblems(asDocumented, requestSchema, document)).toEqual([])
    const properties = (document.components as { schemas: Record<string, { properties: Schema }> }).schemas.LivePhotoRequest!.properties
    expect(Object.keys(properties).sort()).toEqual(Object.keys(fields).sort())

    const exchanges = [
      await call(form(fields)),
      await call(form(fields), { key: 'not-a-key' }),
      await call(undefined, { method: 'GET' }),
      await call(form({ image: image() })),
      await call(form({ image_target: image(), type: '7' })),
      await call(form({ image_target: new Blob(['<!doctype html>'], { type: 'image/png' }) })),
    ]
    expect(exchanges.map((exchange) => exchange.status)).toEqual([200, 401, 405, 400, 422, 415])
    for (const { status, body } of exchanges) {
      const documented = operation.responses[String(status)]
      expect(documented, `status ${status} is documented`).toBeDefined()
      expect(schemaProblems(body, documented!.content['application/json']!.schema, document), `the ${status} answer`).toEqual([])
    }
    // A wrong value is caught by the checker (it can fail).
    expect(schemaProblems({ ...exchanges[1]!.body, error_code: '401' }, operation.responses['401']!.content['application/json']!.schema, document)).not.toEqual([])
  })
})

describe('serve: GET /metrics (child process)', () => {
  it('counts requests by status and code, latency, in flight, per-target attempts, failures, skips, breakers and cost', async () => {
    const before = await scrape()
    const attemptsBefore = before.get('portrait_animator_target_attempts_total{target="ailab/live-photo"}') ?? 0
    expect((await call(form({ image_target: image() }))).status).toBe(200)
    expect((await call(form({ image_target: image() }), { key: 'wrong' })).status).toBe(401)
    emulator.setFaults([{ route: 'ailab.live-photo', status: 500, times: 1 }])
    const failed = await call(form({ image_target: image() }))
    emulator.setFaults([])
    expect(failed).toMatchObject({ status: 500, body: { error_detail: { code: 'AI_SERVICE_ERROR' } } })

    const after = await scrape()
    const at = (name: string) => after.get(name) ?? 0
    const grew = (name: string) => at(name) - (before.get(name) ?? 0)
    expect(grew(`portrait_animator_http_requests_total{path="${PATH}",status="200",code=""}`)).toBe(1)
    expect(grew(`portrait_animator_http_requests_total{path="${PATH}",status="401",code="ERROR_USER_NOT_EXISTS"}`)).toBe(1)
    expect(grew(`portrait_animator_http_requests_total{path="${PATH}",status="500",code="AI_SERVICE_ERROR"}`)).toBe(1)
    expect(grew(`portrait_animator_http_request_duration_seconds_count{path="${PATH}"}`)).toBe(3)
    expect(at(`portrait_animator_http_request_duration_seconds_bucket{le="+Inf",path="${PATH}"}`)).toBe(at(`portrait_animator_http_request_duration_seconds_count{path="${PATH}"}`))
    expect(at('portrait_animator_http_requests_in_flight')).toBe(0)
    expect(at('portrait_animator_target_attempts_total{target="ailab/live-photo"}') - attemptsBefore).toBe(2)
    expect(grew('portrait_animator_target_failures_total{target="ailab/live-photo",kind="unavailable"}')).toBe(1)
    expect(grew('portrait_animator_target_skips_total{target="fal/live-portrait",reason="unconfigured"}')).toBe(2)
    expect(at('portrait_animator_breaker_state{target="ailab/live-photo",state="closed"}')).toBe(1)
    expect(at('portrait_animator_breaker_state{target="ailab/live-photo",state="open"}')).toBe(0)
    expect(grew('portrait_animator_cost_usd_total{target="ailab/live-photo",basis="estimated"}')).toBeCloseTo(AILAB_LIVE_PHOTO_COST.usd!, 6)
    expect(grew('portrait_animator_cost_credits_total{target="ailab/live-photo",basis="estimated"}')).toBe(AILAB_LIVE_PHOTO_COST.credits)
    expect(at('process_cpu_user_seconds_total')).toBeGreaterThan(0)
  })
})

describe('serve: SIGHUP reloads the config (child process, emulator)', () => {
  it('finishes the paid request in flight on the old config, serves new ones on the new config, and keeps serving through a broken file', async () => {
    const attempts = async () => (await scrape()).get('portrait_animator_target_attempts_total{target="ailab/live-photo"}') ?? 0
    const attemptsBefore = await attempts()
    // The AILab call answers only after this delay: long enough for the reload to happen meanwhile.
    emulator.setFaults([{ route: 'ailab.live-photo', latencyMs: 8_000, times: 1 }])
    const inFlight = call(form({ image_target: image() }))
    await waitUntil(async () => (await attempts()) > attemptsBefore, { what: 'the AILab call to start' })

    await writeFile(join(folder, 'portrait-animator.json'), JSON.stringify({ stateDir: join(folder, 'state'), providers: { local: { adapter: 'local' } }, routes: { default: { strategy: 'fallback', targets: ['local/warp'] } } }))
    server.kill('SIGHUP')
    await waitUntil(() => events('config-reloaded').length === 1, { what: 'the reload' })
    expect(events('config-reloaded')[0]).toMatchObject({ config: join(folder, 'portrait-animator.json'), route: 'default', draining: 1 })

    const next = await call(form({ image_target: image() }))
    expect(next.status).toBe(200)
    expect(await accessLine(next.body.request_id)).toMatchObject({ status: 200, servedBy: 'local/warp' })
    expect(await (await fetch(`${url}/readyz`)).json()).toMatchObject({ ready: true, targets: [{ target: 'local/warp', state: 'ready' }] })

    const old = await inFlight
    expect(old.status).toBe(200)
    expect(await accessLine(old.body.request_id)).toMatchObject({ status: 200, servedBy: 'ailab/live-photo' })
    await waitUntil(() => events('config-drained').length === 1, { what: 'the old router to drain' })
    expect(events('config-drained')[0]).toMatchObject({ requests: 1 })
    expect(emulator.ledger.toJSON().entries.filter((entry) => entry.kind === 'charge').length).toBeGreaterThanOrEqual(1)

    // Broken files: each refused in one line naming why; the last good config keeps serving.
    await writeFile(join(folder, 'portrait-animator.json'), JSON.stringify({ providers: { fal: { adapter: 'fal', apiKey: 'literal-secret-in-config-31' }, local: { adapter: 'locale' } }, routes: { default: { strategy: 'fallback', targets: ['local/warp'] } } }))
    server.kill('SIGHUP')
    await waitUntil(() => events('config-reload-failed').length === 1, { what: 'the refused reload' })
    await writeFile(join(folder, 'portrait-animator.json'), '{"providers": {"local": {"adapter": "local"}}, "routes": ')
    server.kill('SIGHUP')
    await waitUntil(() => events('config-reload-failed').length === 2, { what: 'the second refused reload' })
    const [typo, syntax] = events('config-reload-failed')
    expect(typo).toMatchObject({ reason: expect.stringContaining('local/warp: unconfigured'), serving: join(folder, 'portrait-animator.json') })
    expect(syntax).toMatchObject({ reason: expect.stringMatching(/line 1/i) })
    expect(stderr).not.toContain('literal-secret-in-config-31')
    const still = await call(form({ image_target: image() }))
    expect(still.status).toBe(200)
    expect(await accessLine(still.body.request_id)).toMatchObject({ servedBy: 'local/warp' })
    const metrics = await scrape()
    expect(metrics.get('portrait_animator_config_reloads_total{outcome="ok"}')).toBe(1)
    expect(metrics.get('portrait_animator_config_reloads_total{outcome="failed"}')).toBe(2)

    server.kill('SIGTERM')
    expect((await server.done).code).toBe(0)
  })
})
