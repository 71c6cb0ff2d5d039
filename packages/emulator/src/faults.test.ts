import { readFile } from 'node:fs/promises'
import { PortraitAnimatorError } from '@portrait-animator/core'
import { waitUntil } from '@portrait-animator/core/testing'
import { afterEach, describe, expect, it } from 'vitest'
import type { FaultRule } from './fault-types.js'
import { parseFaults } from './parse-faults.js'
import { startEmulator, type Emulator } from './start-emulator.js'
import { createTestPortrait } from './test-images.js'

const FAL = { authorization: 'Key fault:test', 'content-type': 'application/json' }
const MH = { authorization: 'Bearer fault-test', 'content-type': 'application/json' }

let emulator: Emulator | undefined
afterEach(async () => {
  await emulator?.stop()
  emulator = undefined
})

async function start(faults: FaultRule[], seed: number | string = 1): Promise<Emulator> {
  emulator = await startEmulator({ seed, jobDurationMs: 0, faults })
  return emulator
}

async function livePhoto(target: Emulator, signal?: AbortSignal): Promise<Response> {
  const form = new FormData()
  form.append('image_target', new Blob([new Uint8Array(await createTestPortrait())]), 'p.png')
  return fetch(`${target.baseUrl}/api/portrait/effects/live-photo`, {
    method: 'POST',
    headers: { 'ailabapi-api-key': 'fault-key' },
    body: form,
    ...(signal ? { signal } : {}),
  })
}

function submitFal(target: Emulator, signal?: AbortSignal): Promise<Response> {
  return fetch(`${target.baseUrl}/fal-ai/live-portrait/image`, {
    method: 'POST',
    headers: FAL,
    body: JSON.stringify({ image_url: 'https://example.com/p.jpg' }),
    ...(signal ? { signal } : {}),
  })
}

async function statuses(target: Emulator, count: number): Promise<number[]> {
  const found: number[] = []
  for (let index = 0; index < count; index++) {
    const response = await fetch(`${target.baseUrl}/v1/video-projects/none`, { headers: MH })
    await response.arrayBuffer()
    found.push(response.status)
  }
  return found
}

describe('fault injection', () => {
  it('fires a probability rule the same way for the same seed, and differently for another seed', async () => {
    const rule: FaultRule = { route: 'magichour.get', status: 503, probability: 0.5 }
    const first = await statuses(await start([rule], 'same'), 40)
    await emulator?.stop()
    const second = await statuses(await start([rule], 'same'), 40)
    await emulator?.stop()
    const other = await statuses(await start([rule], 'other'), 40)
    expect(second).toEqual(first)
    expect(other).not.toEqual(first)
    expect(first.filter((status) => status === 503).length).toBeGreaterThan(5)
    expect(first.filter((status) => status === 404).length).toBeGreaterThan(5)
  })

  it('plays a fixed sequence with Retry-After and fal infrastructure errors, then lets requests through', async () => {
    const target = await start([{ route: 'fal.submit', sequence: [503, 503, 'pass', { status: 504 }], retryAfter: 2 }])
    const answers = []
    for (let index = 0; index < 5; index++) answers.push(await submitFal(target))
    expect(answers.map((answer) => answer.status)).toEqual([503, 503, 200, 504, 200])
    expect(answers[0]!.headers.get('retry-after')).toBe('2')
    expect(answers[0]!.headers.get('x-fal-error-type')).toBe('runner_scheduling_failure')
    expect(await answers[0]!.json()).toEqual({ detail: expect.any(String), error_type: 'runner_scheduling_failure' })
    expect(answers[3]!.headers.get('x-fal-error-type')).toBe('request_timeout')
    expect(target.ledger.submissions({ provider: 'fal' })).toHaveLength(2)
  })

  it('answers in each provider’s own error shape, with a code override', async () => {
    const target = await start([
      { route: 'ailab.live-photo', sequence: [503, { status: 429, code: 'ERROR_NOT_ENOUGH_CREDITS' }] },
      { route: 'magichour.*', status: 429, retryAfter: 1, times: 1 },
    ])
    const flow = await (await livePhoto(target)).json()
    expect(flow).toMatchObject({ error_code: 503, error_detail: { status_code: 503, code: 'AI_SERVICE_FLOW_RESTRICTION' } })
    const credits = await (await livePhoto(target)).json()
    expect(credits).toMatchObject({ error_code: 429, error_detail: { code: 'ERROR_NOT_ENOUGH_CREDITS' } })
    const limited = await fetch(`${target.baseUrl}/v1/video-projects/none`, { headers: MH })
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('1')
    expect(await limited.json()).toEqual({ message: 'Too Many Requests' })
    expect((await fetch(`${target.baseUrl}/v1/video-projects/none`, { headers: MH })).status).toBe(404)
  })

  it('adds latency: a client with a shorter timeout gives up', async () => {
    const target = await start([{ route: 'fal.status', latencyMs: 30_000 }])
    const error = await fetch(`${target.baseUrl}/fal-ai/live-portrait/requests/x/status`, { headers: FAL, signal: AbortSignal.timeout(100) }).catch(
      (caught: unknown) => caught,
    )
    expect(error).toMatchObject({ name: 'TimeoutError' })
  })

  it('hangs until the emulator stops, and stop() still completes', async () => {
    const target = await start([{ route: 'fal.submit', hang: true }])
    const pending = submitFal(target).then(
      () => 'answered',
      () => 'dropped',
    )
    await new Promise((resolve) => setTimeout(resolve, 50))
    await target.stop()
    expect(await pending).toBe('dropped')
    expect(target.ledger.submissions()).toHaveLength(0)
  })

  it('hangs after processing when asked: the caller gets no answer but the work was charged', async () => {
    const target = await start([{ route: 'ailab.live-photo', hang: true, processed: true }])
    const error = await livePhoto(target, AbortSignal.timeout(200)).catch((caught: unknown) => caught)
    expect(error).toMatchObject({ name: 'TimeoutError' })
    await waitUntil(() => target.ledger.charges({ provider: 'ailab' }).length === 1, { what: 'the charge' })
  })

  it('resets the connection mid-response after accepting the submission', async () => {
    const target = await start([{ route: 'fal.submit', reset: true, times: 1 }])
    const error = await submitFal(target)
      .then((response) => response.json())
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(TypeError)
    expect(target.ledger.submissions({ provider: 'fal' })).toHaveLength(1)
    expect((await submitFal(target)).status).toBe(200)
  })

  it('resets before processing when processed is false: nothing is accepted', async () => {
    const target = await start([{ route: 'fal.submit', reset: true, processed: false }])
    await expect(submitFal(target)).rejects.toBeInstanceOf(TypeError)
    expect(target.ledger.submissions()).toHaveLength(0)
  })

  it('truncates a body with a matching Content-Length, so the JSON is broken', async () => {
    const target = await start([{ route: 'fal.submit', truncate: 0.5 }])
    const response = await submitFal(target)
    expect(response.status).toBe(200)
    const text = await response.text()
    expect(Number(response.headers.get('content-length'))).toBe(Buffer.byteLength(text))
    expect(() => JSON.parse(text)).toThrow(SyntaxError)
  })

  it('retires a route per provider', async () => {
    const target = await start([{ route: 'ailab.live-photo', retired: true }, { route: 'magichour.create', retired: true }])
    expect(await (await livePhoto(target)).json()).toMatchObject({ error_code: 404, error_detail: { code: 'ERROR_AI_NOT_EXISTS' } })
    const created = await fetch(`${target.baseUrl}/v1/ai-talking-photo`, { method: 'POST', headers: MH, body: '{}' })
    expect(created.status).toBe(404)
    expect(await created.json()).toEqual({ message: 'Not Found' })
  })

  it('treats a portrait as faceless when the rule says noFace', async () => {
    const target = await start([{ route: 'ailab.live-photo', noFace: true }])
    const answer = await livePhoto(target)
    expect(answer.status).toBe(422)
    expect((await answer.json()).error_detail.code).toBe('ERROR_NO_FACE_IN_FILE')
  })

  it('takes new rules at run time from setFaults and from POST /__emulator/faults', async () => {
    const target = await start([])
    expect((await submitFal(target)).status).toBe(200)
    target.setFaults([{ route: 'fal.*', status: 500 }])
    expect((await submitFal(target)).status).toBe(500)
    const posted = await fetch(`${target.baseUrl}/__emulator/faults`, { method: 'POST', body: JSON.stringify({ faults: [{ route: 'fal.submit', status: 502 }] }) })
    expect(posted.status).toBe(200)
    expect((await submitFal(target)).status).toBe(502)
    const rejected = await fetch(`${target.baseUrl}/__emulator/faults`, { method: 'POST', body: JSON.stringify([{ route: 'fal.nope', status: 500 }]) })
    expect(rejected.status).toBe(400)
    expect((await rejected.json()).message).toMatch(/route/)
    expect((await submitFal(target)).status).toBe(502)
  })
})

describe('parseFaults', () => {
  it('accepts an array or {faults: [...]}, and names the field of a bad rule', async () => {
    expect(parseFaults([{ route: '*', latencyMs: 5 }])).toHaveLength(1)
    expect(parseFaults({ faults: [{ route: 'ailab.live-photo', sequence: [500, 'pass'] }] })).toHaveLength(1)
    const cases: [unknown, string][] = [
      [[{ route: 'fal.submit', probabilty: 0.5 }], 'faults[0].probabilty'],
      [[{ route: 'fal.submit', status: 99 }], 'faults[0].status'],
      [[{ route: 'fal.submit', probability: 2 }], 'faults[0].probability'],
      [[{ route: 'fal.submit', sequence: ['boom'] }], 'faults[0].sequence[0]'],
      [[{ route: 'fal.submit', truncate: 1 }], 'faults[0].truncate'],
      ['nope', 'faults'],
    ]
    for (const [input, field] of cases) {
      let error: unknown
      try {
        parseFaults(input)
      } catch (caught) {
        error = caught
      }
      expect(PortraitAnimatorError.isInstance(error)).toBe(true)
      expect(error).toMatchObject({ kind: 'invalid_config', field })
    }
  })

  it('accepts the example file shipped with the package', async () => {
    const example = JSON.parse(await readFile(new URL('../faults.example.json', import.meta.url), 'utf8')) as unknown
    expect(parseFaults(example).map((rule) => rule.route)).toContain('fal.submit')
  })

  it('guards startEmulator and setFaults, so a typo never runs silently', async () => {
    await expect(startEmulator({ faults: [{ route: 'fal.sumbit', status: 500 }] })).rejects.toMatchObject({ kind: 'invalid_config' })
    const target = await start([])
    expect(() => target.setFaults([{ route: 'fal.submit', hang: 'yes' } as never])).toThrow(/hang/)
  })
})
