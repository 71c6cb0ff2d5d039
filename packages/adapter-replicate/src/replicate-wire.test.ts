import { readFile } from 'node:fs/promises'
import { expectAnimatorError } from '@portrait-animator/core/testing'
import { describe, expect, it } from 'vitest'
import { createReplicate } from './replicate-provider.js'
import type { ReplicateSettings } from './replicate-settings.js'

/* The exact requests the adapter puts on the wire, through the real client, against a scripted fetch. */

const PORTRAIT = new URL('../../../examples/assets/astronaut.png', import.meta.url).pathname
const CLIP = new URL('../../adapter-fal/assets/live-photo-driving.mp4', import.meta.url)
const TOKEN = 'r8_wire_token_9f3e'
const API = 'https://api.replicate.com/v1'
const ID = 'ufawqhfynnddngldkgtslldrkq'
const VERSION = '067dd98cc3e5cb396c4a9efb4bba3eec6c4a9d271211325c477518fc6485e146'

interface Sent {
  readonly method: string
  readonly url: string
  readonly headers: Record<string, string>
  readonly body: unknown
}

function prediction(status: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: ID, status, output: null, error: null, urls: { get: `${API}/predictions/${ID}`, cancel: `${API}/predictions/${ID}/cancel` }, ...extra }
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } })
}

/** A fetch answering from a script, one answer per request, recording what was sent. */
function scripted(answers: (() => Response)[]) {
  const sent: Sent[] = []
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const headers = Object.fromEntries(new Headers(init?.headers).entries())
    const text = typeof init?.body === 'string' ? init.body : undefined
    sent.push({ method: init?.method ?? 'GET', url: String(input), headers, body: text === undefined ? undefined : JSON.parse(text) })
    const answer = answers.shift()
    if (!answer) throw new Error(`unexpected request ${init?.method ?? 'GET'} ${String(input)}`)
    return answer()
  }
  return { sent, fetch }
}

const livePhoto = { image: PORTRAIT, motion: { type: 'preset', preset: 'live-photo' } } as const

function animator(fetch: typeof globalThis.fetch, settings: ReplicateSettings = {}) {
  return createReplicate({ apiKey: TOKEN, fetch, pollIntervalMs: 1, ...settings }).livePortrait()
}

describe('replicate/live-portrait on the wire', () => {
  it('creates by model with inline data URIs, polls the prediction, and reads the output URL', async () => {
    const { sent, fetch } = scripted([
      () => json(201, prediction('starting')),
      () => json(200, prediction('processing')),
      () => json(200, prediction('succeeded', { output: ['https://replicate.delivery/xezq/out.mp4'], metrics: { predict_time: 40 } })),
    ])
    const result = await animator(fetch).animate(livePhoto)
    const [image, clip] = await Promise.all([readFile(PORTRAIT), readFile(CLIP)])
    expect(sent[0]).toEqual({
      method: 'POST',
      url: `${API}/models/fofr/live-portrait/predictions`,
      headers: expect.objectContaining({ authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }),
      body: { input: { face_image: `data:image/png;base64,${image.toString('base64')}`, driving_video: `data:video/mp4;base64,${clip.toString('base64')}`, video_frame_load_cap: 0 } },
    })
    expect(sent[0]!.headers['prefer']).toBeUndefined()
    expect(sent.slice(1).map(({ method, url, body }) => ({ method, url, body }))).toEqual([
      { method: 'GET', url: `${API}/predictions/${ID}`, body: undefined },
      { method: 'GET', url: `${API}/predictions/${ID}`, body: undefined },
    ])
    expect(result.output.url).toBe('https://replicate.delivery/xezq/out.mp4')
    expect(result.cost).toMatchObject({ usd: 0.039, basis: 'estimated' })
  })

  it('creates by version with Prefer: wait=n and takes a finished answer without polling', async () => {
    const { sent, fetch } = scripted([() => json(201, prediction('succeeded', { output: ['https://replicate.delivery/a/out.mp4'] }))])
    await animator(fetch, { version: VERSION, waitSeconds: 30 }).animate(livePhoto)
    expect(sent).toHaveLength(1)
    expect(sent[0]).toMatchObject({ method: 'POST', url: `${API}/predictions`, headers: { prefer: 'wait=30' }, body: { version: VERSION } })
  })

  it('sends webhook and webhook_events_filter on create when a webhook is set, and neither otherwise', async () => {
    const { sent, fetch } = scripted([() => json(201, prediction('succeeded', { output: ['https://replicate.delivery/c/out.mp4'] }))])
    await animator(fetch, { webhookUrl: 'https://hooks.example.com/replicate?app=7', webhookEventsFilter: ['start', 'completed'] }).animate(livePhoto)
    expect(sent[0]!.body).toEqual({ input: expect.any(Object), webhook: 'https://hooks.example.com/replicate?app=7', webhook_events_filter: ['start', 'completed'] })
    const unfiltered = scripted([() => json(201, prediction('succeeded', { output: ['https://replicate.delivery/c/out.mp4'] }))])
    await animator(unfiltered.fetch, { webhookUrl: 'https://hooks.example.com/replicate' }).animate(livePhoto)
    expect(unfiltered.sent[0]!.body).toStrictEqual({ input: expect.any(Object), webhook: 'https://hooks.example.com/replicate' })
  })

  it('puts one request on the wire for a 429 and reports rate_limited with Retry-After, not accepted', async () => {
    const { sent, fetch } = scripted([() => json(429, { title: 'Request was throttled', detail: 'Request was throttled. Expected available in 7 seconds.', status: 429 }, { 'retry-after': '7' })])
    const error = await expectAnimatorError(animator(fetch).animate(livePhoto))
    expect(error).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000, statusCode: 429, accepted: false, provider: 'replicate' })
    expect(error.message).toContain('Expected available in 7 seconds')
    expect(sent).toHaveLength(1)
  })

  it('maps 401 to auth, 402 to insufficient_credits, 422 to invalid_input and 404 to invalid_config, without the token in messages', async () => {
    for (const [status, kind] of [[401, 'auth'], [402, 'insufficient_credits'], [422, 'invalid_input'], [404, 'invalid_config']] as const) {
      const { fetch } = scripted([() => json(status, { title: 'x', detail: `problem ${status}`, status })])
      const error = await expectAnimatorError(animator(fetch).animate(livePhoto))
      expect(error).toMatchObject({ kind, statusCode: status, accepted: false })
      expect(error.message).not.toContain(TOKEN)
    }
  })

  it('reports a create that got no answer as unavailable with accepted unknown, sent once', async () => {
    const { sent, fetch } = scripted([() => { throw new TypeError('fetch failed') }])
    const error = await expectAnimatorError(animator(fetch).animate(livePhoto))
    expect(error).toMatchObject({ kind: 'unavailable', accepted: 'unknown' })
    expect(sent).toHaveLength(1)
  })

  it('maps a failed prediction to job_failed with its error, and a canceled one to cancelled', async () => {
    const failed = scripted([() => json(201, prediction('starting')), () => json(200, prediction('failed', { error: 'CUDA out of memory' }))])
    expect(await expectAnimatorError(animator(failed.fetch).animate(livePhoto))).toMatchObject({ kind: 'job_failed', requestId: ID, accepted: true, message: expect.stringContaining('CUDA out of memory') })
    const canceled = scripted([() => json(201, prediction('starting')), () => json(200, prediction('canceled'))])
    expect(await expectAnimatorError(animator(canceled.fetch).animate(livePhoto))).toMatchObject({ kind: 'cancelled', requestId: ID })
  })

  it('tries a status check again after a 503, then goes on', async () => {
    const { sent, fetch } = scripted([
      () => json(201, prediction('starting')),
      () => json(503, { title: 'Service unavailable', detail: 'busy', status: 503 }),
      () => json(200, prediction('succeeded', { output: 'https://replicate.delivery/b/out.mp4' })),
    ])
    const result = await animator(fetch).animate(livePhoto)
    expect(result.output.url).toBe('https://replicate.delivery/b/out.mp4')
    expect(sent.map((request) => request.method)).toEqual(['POST', 'GET', 'GET'])
  })

  it('refuses an audio motion before sending anything', async () => {
    const { sent, fetch } = scripted([])
    const error = await expectAnimatorError(animator(fetch).animate({ image: PORTRAIT, motion: { type: 'audio', audio: 'speech.wav' } }))
    expect(error.kind).toBe('unsupported')
    expect(sent).toHaveLength(0)
  })
})
