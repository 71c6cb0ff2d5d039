import { startWebhookReceiver, waitUntil, type ReceivedWebhook, type WebhookReceiver } from '@portrait-animator/core/testing'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startEmulator, type Emulator } from './start-emulator.js'
import { createTestPortrait, createTestWav } from './test-images.js'
import { verifyMagicHourWebhook } from './webhook-signing.js'
import type { LooseJson } from './loose-json.test-helpers.js'

const HEADERS = { authorization: 'Bearer mh-route-key', 'content-type': 'application/json' }
const SECRET = 'whsec_emulator_test'
const DOWNLOAD_URL_TTL_MS = 60_000

async function api(emulator: Emulator, method: string, path: string, body?: unknown) {
  const response = await fetch(`${emulator.baseUrl}${path}`, { method, headers: HEADERS, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
  const text = await response.text()
  return { status: response.status, body: text ? (JSON.parse(text) as LooseJson) : undefined }
}

async function upload(emulator: Emulator, type: string, extension: string, bytes: Buffer): Promise<string> {
  const { body } = await api(emulator, 'POST', '/v1/files/upload-urls', { items: [{ type, extension }] })
  const item = body!.items[0] as { upload_url: string; file_path: string }
  const put = await fetch(item.upload_url, { method: 'PUT', body: new Uint8Array(bytes) })
  expect(put.status).toBe(200)
  return item.file_path
}

async function waitForStatus(emulator: Emulator, id: string, wanted: string): Promise<LooseJson> {
  return waitUntil(
    async () => {
      const { body } = await api(emulator, 'GET', `/v1/video-projects/${id}`)
      return body!.status === wanted ? body! : undefined
    },
    { what: `project ${id} to reach ${wanted}` },
  )
}

describe('Magic Hour routes', () => {
  let emulator: Emulator
  let hooks: ReceivedWebhook[]
  let receiver: WebhookReceiver

  beforeAll(async () => {
    receiver = await startWebhookReceiver('/magic-hour')
    hooks = receiver.calls
    const url = receiver.url
    emulator = await startEmulator({ seed: 4, jobDurationMs: 60, magichour: { downloadUrlTtlMs: DOWNLOAD_URL_TTL_MS, webhook: { url, secret: SECRET } } })
  })
  afterAll(async () => {
    await emulator.stop()
    await receiver.close()
  })

  it('validates upload-url items and answers them in request order', async () => {
    const good = await api(emulator, 'POST', '/v1/files/upload-urls', { items: [{ type: 'image', extension: 'png' }, { type: 'audio', extension: 'wav' }] })
    expect(good.status).toBe(200)
    expect(good.body!.items.map((item: { file_path: string }) => item.file_path.split('.').at(-1))).toEqual(['png', 'wav'])
    expect(good.body!.items[0]).toMatchObject({ upload_url: expect.stringContaining('/__magichour/upload/api-assets/'), expires_at: expect.any(String) })
    const bad = await api(emulator, 'POST', '/v1/files/upload-urls', { items: [{ type: 'image', extension: 'exe' }] })
    expect(bad).toMatchObject({ status: 400, body: { message: expect.stringContaining('exe') } })
  })

  it('refuses a PUT whose pre-signed URL was tampered with', async () => {
    const { body } = await api(emulator, 'POST', '/v1/files/upload-urls', { items: [{ type: 'image', extension: 'png' }] })
    const tampered = (body!.items[0].upload_url as string).replace(/X-Amz-Signature=[0-9a-f]/, 'X-Amz-Signature=x')
    const put = await fetch(tampered, { method: 'PUT', body: 'x' })
    expect(put.status).toBe(403)
    expect(await put.text()).toContain('<Code>SignatureDoesNotMatch</Code>')
  })

  it('answers 400 for a file path that was never uploaded, and 422 when the image asset is not an image', async () => {
    const missing = await api(emulator, 'POST', '/v1/ai-talking-photo', {
      assets: { image_file_path: 'api-assets/none/x.png', audio_file_path: 'api-assets/none/y.wav' },
      start_seconds: 0,
      end_seconds: 1,
    })
    expect(missing).toMatchObject({ status: 400, body: { message: expect.stringContaining('image_file_path') } })
    const notImage = await upload(emulator, 'image', 'png', Buffer.from('definitely not a png'))
    const audio = await upload(emulator, 'audio', 'wav', createTestWav(1))
    const rejected = await api(emulator, 'POST', '/v1/ai-talking-photo', {
      assets: { image_file_path: notImage, audio_file_path: audio },
      start_seconds: 0,
      end_seconds: 1,
    })
    expect(rejected).toEqual({ status: 422, body: { message: 'Unable to create talking photo' } })
  })

  it('expires download URLs with a 403, while a fresh GET gives a working one; signed webhooks tell each step', async () => {
    const image = await upload(emulator, 'image', 'png', await createTestPortrait())
    const audio = await upload(emulator, 'audio', 'wav', createTestWav(1))
    const created = await api(emulator, 'POST', '/v1/ai-talking-photo', {
      assets: { image_file_path: image, audio_file_path: audio },
      start_seconds: 0,
      end_seconds: 1,
    })
    const id = created.body!.id as string
    const complete = await waitForStatus(emulator, id, 'complete')
    const firstUrl = complete.downloads[0].url as string
    expect(complete.download).toEqual(complete.downloads[0])
    // The emulator's clock, not a sleep, moves past the expiry: a busy machine cannot make the
    // fresh URL expire before it is used.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + DOWNLOAD_URL_TTL_MS + 1_000 })
    try {
      const expired = await fetch(firstUrl)
      expect(expired.status).toBe(403)
      expect(await expired.text()).toContain('Request has expired')
      const fresh = await api(emulator, 'GET', `/v1/video-projects/${id}`)
      const download = await fetch(fresh.body!.downloads[0].url as string)
      expect(download.status).toBe(200)
      expect(download.headers.get('content-type')).toBe('video/mp4')
    } finally {
      vi.useRealTimers()
    }

    await waitUntil(() => hooks.filter((hook) => hook.body.includes(id)).length === 2, { what: 'both webhooks' })
    const events = hooks.filter((hook) => hook.body.includes(id))
    expect(events.map((hook) => JSON.parse(hook.body).type)).toEqual(['video.started', 'video.completed'])
    for (const hook of events) expect(verifyMagicHourWebhook({ headers: hook.headers, body: hook.body, secret: SECRET })).toBe(true)
    expect(verifyMagicHourWebhook({ headers: events[0]!.headers, body: events[0]!.body, secret: 'wrong' })).toBe(false)
    expect(JSON.parse(events[1]!.body).payload).toMatchObject({ id, status: 'complete', type: 'TALKING_PHOTO' })
  })

  it('deletes a completed project without a refund: it stays readable, disabled, with no downloads', async () => {
    const created = await api(emulator, 'POST', '/v1/image-to-video', { assets: { image_file_path: 'https://example.com/p.png' }, end_seconds: 5 })
    expect(created.body).toMatchObject({ credits_charged: 300 })
    const id = created.body!.id as string
    await waitForStatus(emulator, id, 'complete')
    expect((await api(emulator, 'DELETE', `/v1/video-projects/${id}`)).status).toBe(204)
    const after = await api(emulator, 'GET', `/v1/video-projects/${id}`)
    expect(after.body).toMatchObject({ status: 'complete', enabled: false, downloads: [], download: null })
    expect(emulator.ledger.refunds({ requestId: id })).toEqual([])
  })
})
