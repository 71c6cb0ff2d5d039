// The example at the top of README.md, kept runnable: if this file changes, change the README.
import { createFalClient } from '@fal-ai/client'
import MagicHour from 'magic-hour'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createTestPortrait, createTestWav, falFetch, startEmulator, type Emulator } from '@portrait-animator/emulator'

// Node's ESM loader gives magic-hour's CommonJS exports object; vitest gives the class itself.
const Client: typeof MagicHour.default = 'default' in MagicHour ? MagicHour.default : (MagicHour as never)

let emulator: Emulator
beforeAll(async () => {
  emulator = await startEmulator({ seed: 1, jobDurationMs: 100 })
})
afterAll(() => emulator.stop())

it('animates a portrait with fal, unchanged but for fetch', async () => {
  const fal = createFalClient({ credentials: 'test-id:test-secret', fetch: falFetch(emulator.baseUrl) })
  const portrait = new Blob([new Uint8Array(await createTestPortrait())], { type: 'image/png' })
  const { data, requestId } = await fal.subscribe('fal-ai/live-portrait/image', {
    input: { image_url: portrait, smile: 1.2 },
    pollInterval: 50,
  })
  expect((await fetch(data.image.url)).headers.get('content-type')).toBe('image/jpeg')
  expect(emulator.ledger.charges({ requestId })).toHaveLength(1)
})

it('makes a talking photo with Magic Hour, unchanged but for baseUrl', async () => {
  const client = new Client({ token: 'test-token', baseUrl: emulator.baseUrl })
  const upload = async (type: 'image' | 'audio', extension: string, bytes: Buffer): Promise<string> => {
    const { items } = await client.v1.files.uploadUrls.create({ items: [{ type, extension }] })
    await fetch(items[0]!.uploadUrl, { method: 'PUT', body: new Uint8Array(bytes) })
    return items[0]!.filePath
  }
  const { id } = await client.v1.aiTalkingPhoto.create({
    assets: { imageFilePath: await upload('image', 'png', await createTestPortrait()), audioFilePath: await upload('audio', 'wav', createTestWav(2)) },
    startSeconds: 0,
    endSeconds: 2,
  })
  process.env.MAGIC_HOUR_POLL_INTERVAL = '0.05' // seconds between polls
  process.env.MAGIC_HOUR_LOG_LEVEL = 'error'
  const project = await client.v1.videoProjects.checkResult({ id }, { downloadOutputs: false })
  expect(project.status).toBe('complete')
  expect((await fetch(project.downloads[0]!.url)).headers.get('content-type')).toBe('video/mp4')
})

it('answers the AILab live-photo call with a base64 MP4', async () => {
  const form = new FormData()
  form.append('image_target', new Blob([new Uint8Array(await createTestPortrait({ format: 'jpeg' }))]), 'me.jpg')
  const response = await fetch(`${emulator.baseUrl}/api/portrait/effects/live-photo`, {
    method: 'POST',
    headers: { 'ailabapi-api-key': 'test-key' },
    body: form,
  })
  const body = await response.json()
  expect(body.error_code).toBe(0)
  expect(Buffer.from(body.data.video, 'base64').subarray(4, 8).toString()).toBe('ftyp')
  expect(emulator.ledger.charges({ provider: 'ailab' })).toMatchObject([{ credits: 22 }])
})
