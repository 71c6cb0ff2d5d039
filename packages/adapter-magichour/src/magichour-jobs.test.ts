import { PortraitAnimatorError, type JobHandle } from '@portrait-animator/core'
import { TINY_MP4, waitUntil } from '@portrait-animator/core/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createMagicHour } from './magichour-provider.js'
import { projectReply, startTestServer, type TestServer } from './magichour-test-server.test-helpers.js'

const API_KEY = 'mh_jobs_key_0c9d8e7f6a'
const REQUEST = { image: 'https://93.184.216.34/portrait.png', motion: { type: 'preset' as const, preset: 'live-photo' as const } }

let server: TestServer
beforeEach(async () => {
  server = await startTestServer()
})
afterEach(async () => server.close())

function provider(pollIntervalMs = 10) {
  return createMagicHour({ apiKey: API_KEY, baseUrl: server.baseUrl, pollIntervalMs })
}

function scriptCreate(id: string) {
  server.on('POST', '/v1/image-to-video', { status: 200, json: { id, credits_charged: 300 } })
}

describe('image-to-video over the wire', () => {
  it('sends the live-photo prompt, 5 s at 720p, and warns that the motion is generative', async () => {
    scriptCreate('cm0live')
    server.on('GET', '/v1/video-projects/cm0live', projectReply('cm0live', 'complete', { type: 'IMAGE_TO_VIDEO', credits_charged: 300, downloads: [{ url: `${server.baseUrl}/cdn/live.mp4` }] }))
    const result = await provider().imageToVideo().animate({ ...REQUEST, motion: { ...REQUEST.motion, framing: 'full-body' } })
    const create = server.calls('POST', '/v1/image-to-video')[0]!
    expect(create.headers.authorization).toBe(`Bearer ${API_KEY}`)
    const body = create.json as { assets: unknown; end_seconds: number; resolution: string; style: { prompt: string } }
    expect(Object.keys(body).sort()).toEqual(['assets', 'end_seconds', 'resolution', 'style'])
    expect(body).toMatchObject({ assets: { image_file_path: REQUEST.image }, end_seconds: 5, resolution: '720p' })
    expect(Object.keys(body.style)).toEqual(['prompt'])
    expect(body.style.prompt).toMatch(/nods once/)
    expect(body.style.prompt).toMatch(/smile/)
    expect(result.warnings).toEqual([expect.objectContaining({ type: 'generative', setting: 'motion.preset', provider: 'magichour' })])
    expect(result.cost).toMatchObject({ credits: 300, basis: 'charged' })
    expect(result.output.durationSeconds).toBe(5)
  })

  it('honours output.maxSide with 480p and provider options for length, name and prompt', async () => {
    scriptCreate('cm0small')
    server.on('GET', '/v1/video-projects/cm0small', projectReply('cm0small', 'complete', { downloads: [{ url: `${server.baseUrl}/cdn/s.mp4` }] }))
    const animator = provider().imageToVideo()
    expect(animator.estimateCost!({ ...REQUEST, output: { maxSide: 900 } })).toMatchObject({ credits: 120, basis: 'estimated' })
    await animator.animate({ ...REQUEST, output: { maxSide: 900 }, providerOptions: { magichour: { endSeconds: 10, name: 'Live', prompt: 'She waves.' } } })
    expect(server.calls('POST', '/v1/image-to-video')[0]!.json).toEqual({
      assets: { image_file_path: REQUEST.image },
      end_seconds: 10,
      name: 'Live',
      resolution: '480p',
      style: { prompt: 'She waves.' },
    })
  })

  it('refuses generative motion in strict mode before any call', async () => {
    const error = await provider()
      .imageToVideo()
      .animate({ ...REQUEST, strict: true })
      .catch((caught: unknown) => caught)
    expect(error).toMatchObject({ kind: 'unsupported', field: 'motion.preset', rule: 'strict', accepted: false })
    expect(server.requests).toEqual([])
  })
})

describe('tolerant parsing', () => {
  it('works when the deprecated keys are missing, and falls back to the deprecated download when downloads is empty', async () => {
    server.on('POST', '/v1/image-to-video', { status: 200, json: { id: 'cm0old' } })
    server.on('GET', '/v1/video-projects/cm0old', [
      { status: 200, json: { id: 'cm0old', status: 'rendering' } },
      // A status this adapter does not know yet is taken as still running.
      { status: 200, json: { id: 'cm0old', status: 'post_processing' } },
      { status: 200, json: { id: 'cm0old', status: 'complete', downloads: [], download: { url: `${server.baseUrl}/cdn/old.mp4`, expires_at: null } } },
    ])
    server.on('GET', '/cdn/old.mp4', { status: 200, body: Buffer.from(TINY_MP4) })
    const result = await provider().imageToVideo().animate(REQUEST)
    expect(server.calls('GET', '/v1/video-projects/cm0old')).toHaveLength(3)
    expect(Buffer.from(await result.output.bytes())).toEqual(Buffer.from(TINY_MP4))
    // No credits_charged anywhere: the estimate stands, marked as such.
    expect(result.cost).toMatchObject({ credits: 300, basis: 'estimated' })
  })
})

describe('jobs: start, status and cancel with a JSON handle', () => {
  it('resumes a job from a parsed handle in a fresh adapter', async () => {
    scriptCreate('cm0job')
    const handle = await provider().imageToVideo().start(REQUEST)
    expect(server.calls('GET', '/v1/video-projects/cm0job')).toHaveLength(0)
    const revived = JSON.parse(JSON.stringify(handle)) as JobHandle
    expect(revived).toEqual(handle)

    // A "fresh process": a new adapter that never saw the submission.
    const fresh = provider().imageToVideo()
    server.on('GET', '/v1/video-projects/cm0job', [
      projectReply('cm0job', 'queued'),
      projectReply('cm0job', 'rendering'),
      projectReply('cm0job', 'complete', { credits_charged: 280, downloads: [{ url: `${server.baseUrl}/cdn/job.mp4`, expires_at: '2099-01-01T00:00:00Z' }] }),
    ])
    expect(await fresh.status!(revived)).toEqual({ state: 'pending', phase: 'queued' })
    expect(await fresh.status!(revived)).toEqual({ state: 'pending', phase: 'running' })
    const done = await fresh.status!(revived)
    expect(done.state).toBe('completed')
    if (done.state !== 'completed') return
    expect(done.result.warnings).toEqual([expect.objectContaining({ type: 'generative' })])
    expect(done.result.cost).toMatchObject({ credits: 280, basis: 'charged' })
    expect(done.result.output.url).toBe(`${server.baseUrl}/cdn/job.mp4`)
  })

  it('reports failed and canceled projects as failed statuses', async () => {
    scriptCreate('cm0st')
    const handle = await provider().imageToVideo().start(REQUEST)
    server.on('GET', '/v1/video-projects/cm0st', [
      projectReply('cm0st', 'error', { error: { code: 'no_source_face', message: 'No face found.' } }),
      projectReply('cm0st', 'canceled'),
    ])
    expect(await provider().imageToVideo().status!(handle)).toMatchObject({ state: 'failed', errorKind: 'no_face', providerCode: 'no_source_face' })
    expect(await provider().imageToVideo().status!(handle)).toMatchObject({ state: 'failed', errorKind: 'cancelled', providerCode: 'canceled' })
  })

  it('cancels with DELETE /v1/video-projects/{id}', async () => {
    scriptCreate('cm0del')
    server.on('DELETE', '/v1/video-projects/cm0del', { status: 204 })
    const animator = provider().imageToVideo()
    const handle = await animator.start(REQUEST)
    await animator.cancel!(handle)
    const deletes = server.calls('DELETE', '/v1/video-projects/cm0del')
    expect(deletes).toHaveLength(1)
    expect(deletes[0]!.headers.authorization).toBe(`Bearer ${API_KEY}`)
  })

  it('cancels the project when onJobStarted fails, since nobody could follow it', async () => {
    scriptCreate('cm0nojournal')
    server.on('DELETE', '/v1/video-projects/cm0nojournal', { status: 204 })
    const error = await provider()
      .imageToVideo()
      .animate(REQUEST, {
        onJobStarted: () => {
          throw new Error('journal disk full')
        },
      })
      .catch((caught: unknown) => caught)
    expect(error).toMatchObject({ kind: 'provider_error', accepted: true, requestId: 'cm0nojournal' })
    expect((error as Error).message).toContain('journal disk full')
    expect(server.calls('DELETE', '/v1/video-projects/cm0nojournal')).toHaveLength(1)
    expect(server.calls('GET', '/v1/video-projects/cm0nojournal')).toHaveLength(0)
  })

  it('rejects a handle from another model or provider before any call', async () => {
    const animator = provider().talkingPhoto()
    const foreign = { specificationVersion: 'v1', provider: 'fal', modelId: 'live-portrait', jobId: 'abc', submittedAt: new Date().toISOString() } as const
    await expect(animator.status!(foreign)).rejects.toMatchObject({ kind: 'invalid_input', field: 'handle' })
    const otherModel = { ...foreign, provider: 'magichour', modelId: 'image-to-video' }
    await expect(animator.cancel!(otherModel)).rejects.toMatchObject({ kind: 'invalid_input', field: 'handle' })
    const injected = { ...foreign, provider: 'magichour', modelId: 'talking-photo', jobId: '../files/upload-urls' }
    await expect(animator.status!(injected)).rejects.toMatchObject({ kind: 'invalid_input', field: 'handle' })
    expect(server.requests).toEqual([])
  })
})

describe('abort and deadline while the project runs', () => {
  it('an abort wakes the poll sleep, stops polling and cancels the project', async () => {
    scriptCreate('cm0abort')
    server.on('GET', '/v1/video-projects/cm0abort', projectReply('cm0abort', 'rendering'))
    server.on('DELETE', '/v1/video-projects/cm0abort', { status: 204 })
    const controller = new AbortController()
    // A poll interval far beyond the test timeout: only an abort that wakes the sleep can end this.
    const animation = provider(3_600_000)
      .imageToVideo()
      .animate(REQUEST, { signal: controller.signal, onJobStarted: () => void setTimeout(() => controller.abort(), 20) })
    const error = await animation.catch((caught: unknown) => caught)
    expect(PortraitAnimatorError.isInstance(error)).toBe(true)
    expect(error).toMatchObject({ kind: 'cancelled', accepted: true, retryable: false })
    // The first status check goes out at once (no sleep before it); the abort then wakes the long sleep.
    expect(server.calls('GET', '/v1/video-projects/cm0abort').length).toBeLessThanOrEqual(1)
    expect(server.calls('DELETE', '/v1/video-projects/cm0abort')).toHaveLength(1)
  })

  it('an abort during a status check that never answers still ends the call and cancels', async () => {
    scriptCreate('cm0hang')
    server.on('GET', '/v1/video-projects/cm0hang', 'hang')
    server.on('DELETE', '/v1/video-projects/cm0hang', { status: 204 })
    const controller = new AbortController()
    const animation = provider(5)
      .imageToVideo()
      .animate(REQUEST, { signal: controller.signal, onProgress: () => undefined })
    await waitUntil(() => server.calls('GET', '/v1/video-projects/cm0hang').length > 0, { intervalMs: 5, what: 'the status check' })
    controller.abort()
    await expect(animation).rejects.toMatchObject({ kind: 'cancelled', accepted: true })
    expect(server.calls('DELETE', '/v1/video-projects/cm0hang')).toHaveLength(1)
  })

  it('timeoutMs ends the call with timeout and cancels the project', async () => {
    scriptCreate('cm0late')
    server.on('GET', '/v1/video-projects/cm0late', projectReply('cm0late', 'queued'))
    server.on('DELETE', '/v1/video-projects/cm0late', { status: 204 })
    const error = await provider(5)
      .imageToVideo()
      .animate(REQUEST, { timeoutMs: 150 })
      .catch((caught: unknown) => caught)
    expect(error).toMatchObject({ kind: 'timeout', accepted: true })
    expect(server.calls('DELETE', '/v1/video-projects/cm0late')).toHaveLength(1)
  })

  it('an abort while the create call is in flight is unknown acceptance, and the late project is cancelled', async () => {
    let answer: (() => void) | undefined
    server.on('POST', '/v1/image-to-video', () => new Promise((resolve) => (answer = () => resolve({ status: 200, json: { id: 'cm0ghost' } }))))
    server.on('DELETE', '/v1/video-projects/cm0ghost', { status: 204 })
    const controller = new AbortController()
    const animation = provider().imageToVideo().animate(REQUEST, { signal: controller.signal })
    await waitUntil(() => server.calls('POST', '/v1/image-to-video').length > 0, { intervalMs: 5, what: 'the create call' })
    controller.abort()
    await expect(animation).rejects.toMatchObject({ kind: 'cancelled', accepted: 'unknown' })
    answer!()
    await waitUntil(() => server.calls('DELETE', '/v1/video-projects/cm0ghost').length > 0, { intervalMs: 5, what: 'the late project to be cancelled' })
    expect(server.calls('DELETE', '/v1/video-projects/cm0ghost')).toHaveLength(1)
  })

  it('an abort before submission sends nothing', async () => {
    const controller = new AbortController()
    controller.abort()
    await expect(provider().imageToVideo().animate(REQUEST, { signal: controller.signal })).rejects.toMatchObject({ kind: 'cancelled', accepted: false })
    expect(server.requests).toEqual([])
  })
})

describe('downloads', () => {
  it('fetches the project again when a download URL has expired (403), then downloads the fresh one', async () => {
    scriptCreate('cm0exp')
    server.on('GET', '/v1/video-projects/cm0exp', [
      projectReply('cm0exp', 'complete', { downloads: [{ url: `${server.baseUrl}/cdn/old-signature.mp4`, expires_at: '2099-01-01T00:00:00Z' }] }),
      projectReply('cm0exp', 'complete', { downloads: [{ url: `${server.baseUrl}/cdn/new-signature.mp4`, expires_at: '2099-01-02T00:00:00Z' }] }),
    ])
    server.on('GET', '/cdn/old-signature.mp4', { status: 403, body: 'AccessDenied' })
    server.on('GET', '/cdn/new-signature.mp4', { status: 200, body: Buffer.from(TINY_MP4) })
    const result = await provider().imageToVideo().animate(REQUEST)
    expect(Buffer.from(await result.output.bytes())).toEqual(Buffer.from(TINY_MP4))
    expect(server.calls('GET', '/v1/video-projects/cm0exp')).toHaveLength(2)
  })

  it('does not even try a URL whose expires_at has passed', async () => {
    scriptCreate('cm0past')
    server.on('GET', '/v1/video-projects/cm0past', [
      projectReply('cm0past', 'complete', { downloads: [{ url: `${server.baseUrl}/cdn/stale.mp4`, expires_at: '2020-01-01T00:00:00Z' }] }),
      projectReply('cm0past', 'complete', { downloads: [{ url: `${server.baseUrl}/cdn/fresh.mp4`, expires_at: '2099-01-01T00:00:00Z' }] }),
    ])
    server.on('GET', '/cdn/fresh.mp4', { status: 200, body: Buffer.from(TINY_MP4) })
    const result = await provider().imageToVideo().animate(REQUEST)
    expect(Buffer.from(await result.output.bytes())).toEqual(Buffer.from(TINY_MP4))
    expect(server.calls('GET', '/cdn/stale.mp4')).toHaveLength(0)
  })

  it('gives up after two refreshes', async () => {
    scriptCreate('cm0gone')
    server.on('GET', '/v1/video-projects/cm0gone', projectReply('cm0gone', 'complete', { downloads: [{ url: `${server.baseUrl}/cdn/gone.mp4` }] }))
    server.on('GET', '/cdn/gone.mp4', { status: 404, body: 'NoSuchKey' })
    const result = await provider().imageToVideo().animate(REQUEST)
    await expect(result.output.bytes()).rejects.toMatchObject({ kind: 'provider_error', statusCode: 404, requestId: 'cm0gone' })
    expect(server.calls('GET', '/cdn/gone.mp4')).toHaveLength(3)
    expect(server.calls('GET', '/v1/video-projects/cm0gone')).toHaveLength(3)
  })

  it('never downloads from a host it does not trust', async () => {
    scriptCreate('cm0evil')
    server.on('GET', '/v1/video-projects/cm0evil', projectReply('cm0evil', 'complete', { downloads: [{ url: 'http://169.254.169.254/latest/meta-data' }] }))
    const result = await provider().imageToVideo().animate(REQUEST)
    await expect(result.output.bytes()).rejects.toMatchObject({ kind: 'provider_error' })
  })
})
