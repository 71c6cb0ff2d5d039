import { PortraitAnimatorError, type JobHandle, type ProgressEvent } from '@portrait-animator/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createFakeFal, eventStream, happyFal, json, TINY_PNG, type FakeFal } from './fal-fake.test-helpers.js'
import { createFal, type FalSettings } from './index.js'
import { waitUntil } from '@portrait-animator/core/testing'

const SUBMIT_URL = 'https://queue.fal.run/fal-ai/live-portrait/image'
const REQUEST_URL = 'https://queue.fal.run/fal-ai/live-portrait/requests/req-123'
const STATUS_URL = `${REQUEST_URL}/status?logs=1`
const STREAM_URL = `${REQUEST_URL}/status/stream?logs=1`
const RESULT = { image: { url: 'https://v3.fal.media/files/out/face.jpg', content_type: 'image/jpeg' } }
const REQUEST = { image: 'https://93.184.216.34/p.jpg', motion: { type: 'expression', smile: 0.5 } } as const

function setup(settings: FalSettings = {}): { fake: FakeFal; fal: ReturnType<typeof createFal> } {
  const fake = createFakeFal()
  happyFal(fake, { endpointId: 'fal-ai/live-portrait/image', result: RESULT })
  const fal = createFal({ apiKey: 'fal-test-key-123456', fetch: fake.fetch, statusMode: 'polling', ...settings })
  return { fake, fal }
}

/** A status route that stays in progress until told otherwise. */
function inProgressUntilDone(fake: FakeFal): { done: () => void } {
  let finished = false
  fake.on('GET', STATUS_URL, () =>
    json(200, finished ? { status: 'COMPLETED', request_id: 'req-123', logs: [] } : { status: 'IN_PROGRESS', request_id: 'req-123', logs: [] }),
  )
  return { done: () => (finished = true) }
}

afterEach(() => {
  vi.unstubAllEnvs()
})

describe('following a fal job', () => {
  it('streams the status and reports queue position and new log lines as progress', async () => {
    const { fake, fal } = setup({ statusMode: 'auto' })
    const log = (message: string, second: number) => ({ message, level: 'INFO', source: 'USER', timestamp: `2026-01-01T00:00:0${second}Z` })
    fake.on('GET', STREAM_URL, () =>
      eventStream([
        { status: 'IN_QUEUE', request_id: 'req-123', queue_position: 2 },
        { status: 'IN_QUEUE', request_id: 'req-123', queue_position: 1 },
        { status: 'IN_PROGRESS', request_id: 'req-123', logs: [log('loading model', 1)] },
        { status: 'IN_PROGRESS', request_id: 'req-123', logs: [log('loading model', 1), log('retargeting', 2)] },
        { status: 'COMPLETED', request_id: 'req-123', logs: [log('loading model', 1), log('retargeting', 2), log('done', 3)], metrics: { inference_time: 2.5 } },
      ]),
    )
    const events: ProgressEvent[] = []
    const result = await fal.livePortraitImage().animate(REQUEST, { onProgress: (event) => events.push(event) })

    expect(events.map((event) => [event.phase, event.queuePosition, event.logs])).toEqual([
      ['validating', undefined, undefined],
      ['submitting', undefined, undefined],
      ['queued', 2, undefined],
      ['queued', 1, undefined],
      ['running', undefined, ['loading model']],
      ['running', undefined, ['retargeting']],
      ['running', undefined, ['done']],
      ['completed', undefined, undefined],
    ])
    expect(events.every((event) => event.target === 'fal/live-portrait-image')).toBe(true)
    expect(fake.find('GET', STATUS_URL)).toHaveLength(0)
    expect(result.providerMetadata.fal).toMatchObject({ inferenceSeconds: 2.5, logs: ['loading model', 'retargeting', 'done'] })
    expect(result.timings.queuedMs).toBeGreaterThanOrEqual(0)
    expect(result.timings.runningMs).toBeGreaterThanOrEqual(0)
  })

  it('falls back to polling when fal has no status stream, and remembers it', async () => {
    const { fake, fal } = setup({ statusMode: 'auto' })
    const animator = fal.livePortraitImage()
    await animator.animate(REQUEST)
    await animator.animate(REQUEST)
    expect(fake.find('GET', STREAM_URL)).toHaveLength(1)
    expect(fake.find('GET', STATUS_URL)).toHaveLength(2)
  })

  it('polls to the end when the stream breaks off, and tries the stream again next time after a transient failure', async () => {
    const { fake, fal } = setup({ statusMode: 'auto' })
    fake.on('GET', STREAM_URL, (_, index) =>
      index === 0 ? eventStream([{ status: 'IN_PROGRESS', request_id: 'req-123', logs: [] }]) : json(503, { detail: 'busy' }, { 'x-fal-retryable': 'false' }),
    )
    const animator = fal.livePortraitImage()
    await animator.animate(REQUEST)
    await animator.animate(REQUEST)
    await animator.animate(REQUEST)
    expect(fake.find('GET', STREAM_URL)).toHaveLength(3)
    expect(fake.find('GET', STATUS_URL)).toHaveLength(3)
  })

  it('keeps the client retries for status polls: a 503 is retried and the job completes', async () => {
    const { fake, fal } = setup()
    fake.on('GET', STATUS_URL, (_, index) =>
      index === 0 ? json(503, { detail: 'busy', error_type: 'runner_scheduling_failure' }) : json(200, { status: 'COMPLETED', request_id: 'req-123', logs: [] }),
    )
    const result = await fal.livePortraitImage().animate(REQUEST)
    expect(result.output.url).toBe('https://v3.fal.media/files/out/face.jpg')
    expect(fake.find('GET', STATUS_URL)).toHaveLength(2)
    expect(fake.find('POST', SUBMIT_URL)).toHaveLength(1)
  })

  it('hands the JSON handle to onJobStarted after the submit and before following', async () => {
    const { fake, fal } = setup()
    const seen: { handle: JobHandle; requestsSoFar: string[] }[] = []
    await fal.livePortraitImage().animate(REQUEST, {
      onJobStarted: async (handle) => {
        seen.push({ handle, requestsSoFar: fake.requests.map((request) => `${request.method} ${request.url}`) })
      },
    })
    expect(seen).toHaveLength(1)
    expect(seen[0]?.requestsSoFar).toEqual([`POST ${SUBMIT_URL}`])
    const handle = seen[0]?.handle
    expect(JSON.parse(JSON.stringify(handle))).toEqual(handle)
    expect(handle).toMatchObject({ specificationVersion: 'v1', provider: 'fal', modelId: 'live-portrait-image', jobId: 'req-123', data: { endpointId: 'fal-ai/live-portrait/image' } })
  })

  it('stops a job whose handle could not be recorded', async () => {
    const { fake, fal } = setup()
    const failure = new Error('journal is read-only')
    await expect(fal.livePortraitImage().animate(REQUEST, { onJobStarted: () => Promise.reject(failure) })).rejects.toBe(failure)
    expect(fake.find('PUT', `${REQUEST_URL}/cancel`)).toHaveLength(1)
    // The first status check goes out while the handle is being recorded (checks are free), but
    // nothing after it: no second check and no result fetched.
    expect(fake.find('GET', STATUS_URL).length).toBeLessThanOrEqual(1)
    expect(fake.find('GET', REQUEST_URL)).toHaveLength(0)
  })

  it('on abort, stops following at once and cancels the remote request', async () => {
    const { fake, fal } = setup()
    inProgressUntilDone(fake)
    const controller = new AbortController()
    const pending = fal.livePortraitImage().animate(REQUEST, {
      signal: controller.signal,
      onProgress: (event) => {
        if (event.phase === 'running') controller.abort()
      },
    })
    const error = await pending.catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(PortraitAnimatorError)
    expect(error).toMatchObject({ kind: 'cancelled', accepted: true, requestId: 'req-123', retryable: false })
    expect((error as Error).message).toMatch(/asked to cancel/)
    expect(fake.find('PUT', `${REQUEST_URL}/cancel`)).toHaveLength(1)
    expect(fake.find('GET', STATUS_URL)).toHaveLength(1)
  })

  it('on abort while the client waits to retry, settles without waiting for the retry', async () => {
    const { fake, fal } = setup()
    fake.on('GET', STATUS_URL, () => json(503, { detail: 'busy' }))
    const controller = new AbortController()
    const pending = fal.livePortraitImage().animate(REQUEST, { signal: controller.signal })
    await waitUntil(() => fake.find('GET', STATUS_URL).length === 1, { what: 'the first status request' })
    controller.abort()
    await expect(pending).rejects.toMatchObject({ kind: 'cancelled', accepted: true })
    // The client's retry (about a second later) had not happened when the call settled.
    expect(fake.find('GET', STATUS_URL)).toHaveLength(1)
    expect(fake.find('PUT', `${REQUEST_URL}/cancel`)).toHaveLength(1)
  })

  it('past its deadline, fails with timeout and cancels the remote request', async () => {
    const { fake, fal } = setup()
    inProgressUntilDone(fake)
    await expect(fal.livePortraitImage().animate(REQUEST, { timeoutMs: 300 })).rejects.toMatchObject({ kind: 'timeout', accepted: true, requestId: 'req-123' })
    expect(fake.find('PUT', `${REQUEST_URL}/cancel`)).toHaveLength(1)
  })

  it('an abort during the submit leaves acceptance unknown and sends no cancel', async () => {
    const { fake, fal } = setup()
    fake.on('POST', SUBMIT_URL, () => new Promise<Response>(() => undefined))
    const controller = new AbortController()
    const pending = fal.livePortraitImage().animate(REQUEST, { signal: controller.signal })
    await waitUntil(() => fake.find('POST', SUBMIT_URL).length === 1, { what: 'the submit request' })
    controller.abort()
    await expect(pending).rejects.toMatchObject({ kind: 'cancelled', accepted: 'unknown' })
    expect(fake.find('PUT', /cancel/)).toHaveLength(0)
  })

  it('without a key, fails with auth before any call', async () => {
    vi.stubEnv('FAL_KEY', '')
    vi.stubEnv('FAL_KEY_ID', '')
    vi.stubEnv('FAL_KEY_SECRET', '')
    const fake = createFakeFal()
    const fal = createFal({ fetch: fake.fetch })
    expect(fal.unconfiguredReason).toBe('FAL_KEY is not set')
    await expect(fal.livePortraitImage().animate({ image: TINY_PNG, motion: { type: 'expression', smile: 0.1 } })).rejects.toMatchObject({ kind: 'auth', accepted: false })
    expect(fake.requests).toEqual([])
  })
})

describe('fal jobs with a JSON handle', () => {
  it('start, then status from a fresh provider, from queued to completed', async () => {
    const first = setup()
    const handle = await first.fal.livePortraitImage().start!({ ...REQUEST, motion: { type: 'expression', smile: 3 } })
    expect(first.fake.find('GET', /queue\.fal\.run/)).toHaveLength(0)
    const stored = JSON.parse(JSON.stringify(handle)) as JobHandle

    const second = setup()
    second.fake.on('GET', STATUS_URL, (_, index) =>
      index === 0
        ? json(200, { status: 'IN_QUEUE', request_id: 'req-123', queue_position: 4 })
        : json(200, { status: 'COMPLETED', request_id: 'req-123', logs: [{ message: 'done', level: 'INFO', source: 'USER', timestamp: 't' }], metrics: { inference_time: 1.25 } }),
    )
    const animator = second.fal.livePortraitImage()
    await expect(animator.status!(stored)).resolves.toEqual({ state: 'pending', phase: 'queued', queuePosition: 4 })
    const completed = await animator.status!(stored)
    expect(completed.state).toBe('completed')
    if (completed.state !== 'completed') return
    expect(completed.result.output).toMatchObject({ kind: 'image', format: 'jpeg', url: 'https://v3.fal.media/files/out/face.jpg' })
    // The warning raised at submit time survives the journal round trip.
    expect(completed.result.warnings).toEqual([expect.objectContaining({ type: 'clamped', setting: 'motion.smile' })])
    expect(completed.result.timings.runningMs).toBe(1250)
    expect(completed.result.providerMetadata.fal).toMatchObject({ requestId: 'req-123' })
  })

  it('status reports a job that ended in error as failed, with its kind', async () => {
    const { fake, fal } = setup()
    const animator = fal.livePortraitImage()
    const handle = await animator.start!(REQUEST)
    fake.on('GET', STATUS_URL, () => json(200, { status: 'COMPLETED', request_id: 'req-123', error: 'Invalid status code: 422', error_type: 'face_detection_error' }))
    fake.on('GET', REQUEST_URL, () => json(422, { detail: [{ loc: ['body', 'image_url'], msg: 'No face found', type: 'face_detection_error' }] }, { 'x-fal-retryable': 'false' }))
    await expect(animator.status!(handle)).resolves.toMatchObject({ state: 'failed', errorKind: 'no_face', providerCode: 'face_detection_error' })
  })

  it('refuses a handle of another model', async () => {
    const { fal } = setup()
    const handle = await fal.livePortraitImage().start!(REQUEST)
    await expect(fal.livePortrait().status!(handle)).rejects.toMatchObject({ kind: 'invalid_input', field: 'handle' })
    await expect(fal.livePortrait().cancel!({ ...handle, data: { ...handle.data, endpointId: 'fal-ai/live-portrait' } })).rejects.toMatchObject({ kind: 'invalid_input' })
  })

  it('cancel treats a job that already completed as done', async () => {
    const { fake, fal } = setup()
    const animator = fal.livePortraitImage()
    const handle = await animator.start!(REQUEST)
    fake.on('PUT', `${REQUEST_URL}/cancel`, () => json(400, { status: 'ALREADY_COMPLETED' }))
    await expect(animator.cancel!(handle)).resolves.toBeUndefined()
  })
})
