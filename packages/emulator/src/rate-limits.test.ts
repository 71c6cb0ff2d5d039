import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type Emulator } from './start-emulator.js'

// A limit of 0.01 per second lets one submission through per 100 s: the second is refused
// however slow the machine, so nothing here depends on timing.
const ONE_PER_100_S = 0.01

async function post(emulator: Emulator, path: string, headers: Record<string, string>, body: BodyInit = '{}') {
  const response = await fetch(`${emulator.baseUrl}${path}`, { method: 'POST', headers, body })
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> }
}

describe('emulator rate limits (rateLimits)', () => {
  let emulator: Emulator

  beforeAll(async () => {
    emulator = await startEmulator({ seed: 3, jobDurationMs: 0, rateLimits: { fal: ONE_PER_100_S, magichour: ONE_PER_100_S, replicate: ONE_PER_100_S, ailab: ONE_PER_100_S } })
  })
  afterAll(() => emulator.stop())

  it('answers a fal submission over the limit with 429 and Retry-After, charges nothing for it, and still serves status', async () => {
    const headers = { authorization: 'Key rate:limit', 'content-type': 'application/json' }
    const first = await post(emulator, '/fal-ai/live-portrait/image', headers, JSON.stringify({ image_url: 'https://example.com/face.jpg' }))
    expect(first.status).toBe(200)
    const second = await post(emulator, '/fal-ai/live-portrait/image', headers, JSON.stringify({ image_url: 'https://example.com/face.jpg' }))
    expect(second.status).toBe(429)
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThanOrEqual(90)
    expect(second.headers.get('x-fal-retryable')).toBe('true')
    expect(second.body.detail).toMatch(/throttled/)
    const status = await fetch(`${emulator.baseUrl}/fal-ai/live-portrait/requests/${first.body.request_id as string}/status`, { headers })
    expect(status.status).toBe(200)
    expect(emulator.ledger.submissions({ provider: 'fal' })).toHaveLength(1)
    expect(emulator.ledger.rateLimited({ provider: 'fal' })).toEqual([expect.objectContaining({ provider: 'fal', route: 'fal.submit', status: 429 })])
  })

  it("answers Magic Hour, Replicate and AILab over the limit in each provider's own 429 shape", async () => {
    const magicHour = { authorization: 'Bearer mh-key', 'content-type': 'application/json' }
    const project = JSON.stringify({ assets: { image_file_path: 'https://example.com/p.png' }, end_seconds: 5 })
    expect((await post(emulator, '/v1/image-to-video', magicHour, project)).status).toBe(200)
    const magicHourRefused = await post(emulator, '/v1/image-to-video', magicHour, project)
    expect(magicHourRefused).toMatchObject({ status: 429, body: { message: expect.stringMatching(/throttled/) } })
    expect(magicHourRefused.headers.get('retry-after')).toMatch(/^\d+$/)

    const replicate = { authorization: 'Bearer r8-key', 'content-type': 'application/json' }
    await post(emulator, '/v1/predictions', replicate, JSON.stringify({ version: 'x', input: {} }))
    const replicateRefused = await post(emulator, '/v1/predictions', replicate, JSON.stringify({ version: 'x', input: {} }))
    expect(replicateRefused).toMatchObject({ status: 429, body: { title: 'Request was throttled', status: 429 } })
    expect(replicateRefused.headers.get('content-type')).toMatch(/problem\+json/)

    const ailab = { 'ailabapi-api-key': 'ailab-key' }
    await post(emulator, '/api/portrait/effects/live-photo', ailab, new FormData())
    const ailabRefused = await post(emulator, '/api/portrait/effects/live-photo', ailab, new FormData())
    expect(ailabRefused).toMatchObject({ status: 429, body: { error_code: expect.anything(), error_detail: { code: 'EXCEEDING_LIMITS' } } })

    expect(emulator.ledger.rateLimited().map((record) => record.provider)).toEqual(['fal', 'magichour', 'replicate', 'ailab'])
    const ledger = (await (await fetch(`${emulator.baseUrl}/__emulator/ledger`)).json()) as { rateLimited: unknown[] }
    expect(ledger.rateLimited).toHaveLength(4)
  })

  it('forgets the counts on reset', async () => {
    emulator.reset()
    expect(emulator.ledger.rateLimited()).toEqual([])
    const accepted = await post(emulator, '/fal-ai/live-portrait/image', { authorization: 'Key rate:limit', 'content-type': 'application/json' }, JSON.stringify({ image_url: 'https://example.com/face.jpg' }))
    expect(accepted.status).toBe(200)
  })

  it('refuses a limit that is not a positive number', async () => {
    await expect(startEmulator({ rateLimits: { fal: 0 } })).rejects.toMatchObject({ kind: 'invalid_config' })
  })
})
