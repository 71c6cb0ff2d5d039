import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import MagicHour, { ApiError } from 'magic-hour'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { inspectMp4 } from './mp4-inspect.test-helpers.js'
import { startEmulator, type Emulator } from './start-emulator.js'
import { createFeaturelessImage, createTestPortrait, createTestWav } from './test-images.js'

// Node's ESM loader hands over the CommonJS exports object (the class is on `.default`, which is
// also how TypeScript types it under NodeNext); vitest hands over the class itself.
const Client: typeof MagicHour.default = 'default' in MagicHour ? MagicHour.default : (MagicHour as never)

const TOKEN = 'mh-test-token'

async function errorBody(promise: Promise<unknown>): Promise<{ status: number; body: { message: string } }> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError)
    const response = (error as ApiError).response as unknown as { status: number; json(): Promise<{ message: string }> }
    return { status: response.status, body: await response.json() }
  }
  throw new Error('expected an ApiError')
}

describe('magic-hour SDK 0.43.1 against the emulator', () => {
  let emulator: Emulator
  let client: InstanceType<typeof Client>
  let directory: string
  let imagePath: string
  let audioPath: string
  let flatPath: string

  beforeAll(async () => {
    process.env.MAGIC_HOUR_POLL_INTERVAL = '0.02'
    process.env.MAGIC_HOUR_LOG_LEVEL = 'none'
    emulator = await startEmulator({
      seed: 11,
      jobDurationMs: 100,
      keys: { magichour: [TOKEN, 'poor-token'] },
      credits: { magichour: { 'poor-token': 100 } },
    })
    client = new Client({ token: TOKEN, baseUrl: emulator.baseUrl })
    directory = await mkdtemp(join(tmpdir(), 'emulator-mh-'))
    imagePath = join(directory, 'portrait.png')
    audioPath = join(directory, 'voice.wav')
    flatPath = join(directory, 'flat.jpg')
    await writeFile(imagePath, await createTestPortrait())
    await writeFile(audioPath, createTestWav(2))
    await writeFile(flatPath, await createFeaturelessImage({ format: 'jpeg' }))
  })
  afterAll(async () => {
    await emulator.stop()
    await rm(directory, { recursive: true, force: true })
  })

  it('uploads through upload-urls and the pre-signed PUT', async () => {
    const filePath = await client.v1.files.uploadFile(imagePath)
    expect(filePath).toMatch(/^api-assets\/.+\.png$/)
  })

  it('generates a talking photo end to end: upload, create, poll, download a real MP4', async () => {
    const outputs = join(directory, 'talking')
    const result = await client.v1.aiTalkingPhoto.generate(
      { assets: { imageFilePath: imagePath, audioFilePath: audioPath }, startSeconds: 0, endSeconds: 2, name: 'emulated' },
      { downloadDirectory: outputs },
    )
    expect(result).toMatchObject({ status: 'complete', type: 'TALKING_PHOTO', name: 'emulated', enabled: true, error: null, creditsCharged: 60 })
    expect(result.downloads).toHaveLength(1)
    expect(result.downloads[0]?.expiresAt).toEqual(expect.any(String))
    expect(result.downloadedPaths).toHaveLength(1)
    const summary = inspectMp4(await readFile(result.downloadedPaths![0]!))
    expect([summary.width, summary.height]).toEqual([result.width, result.height])
    expect(summary.durationSeconds).toBeCloseTo(2, 1)
    expect(emulator.ledger.charges({ requestId: result.id })).toMatchObject([{ credits: 60 }])
    expect(emulator.ledger.statusRequests(result.id)).toBeGreaterThanOrEqual(2)
  })

  it('generates an image-to-video project', async () => {
    const result = await client.v1.imageToVideo.generate(
      { assets: { imageFilePath: imagePath }, endSeconds: 5, style: { prompt: 'a subtle nod and smile' }, resolution: '480p' },
      { downloadDirectory: join(directory, 'i2v') },
    )
    expect(result).toMatchObject({ status: 'complete', type: 'IMAGE_TO_VIDEO', creditsCharged: 120 })
    const summary = inspectMp4(await readFile(result.downloadedPaths![0]!))
    expect(summary.durationSeconds).toBeCloseTo(5, 1)
  })

  it('moves a project through queued or rendering to complete, and GET gives fresh download URLs', async () => {
    // Jobs of 3 s, so the first status is seen before the end even on a busy machine.
    const slow = await startEmulator({ seed: 12, jobDurationMs: 3000, keys: { magichour: [TOKEN] } })
    onTestFinished(() => slow.stop())
    const client = new Client({ token: TOKEN, baseUrl: slow.baseUrl })
    const image = await client.v1.files.uploadFile(imagePath)
    const audio = await client.v1.files.uploadFile(audioPath)
    const created = await client.v1.aiTalkingPhoto.create({ assets: { imageFilePath: image, audioFilePath: audio }, startSeconds: 0.5, endSeconds: 1.5 })
    expect(created).toMatchObject({ id: expect.any(String), creditsCharged: 30, estimatedFrameCost: 30 })
    const first = await client.v1.videoProjects.get({ id: created.id })
    expect(['queued', 'rendering']).toContain(first.status)
    expect(first.downloads).toEqual([])
    const done = await client.v1.videoProjects.checkResult({ id: created.id }, { downloadOutputs: false })
    expect(done.status).toBe('complete')
    const again = await client.v1.videoProjects.get({ id: created.id })
    expect(again.downloads[0]?.url).not.toBe(done.downloads[0]?.url)
  })

  it('ends a faceless talking photo in error with no_source_face, and refunds it', async () => {
    const result = await client.v1.aiTalkingPhoto.generate(
      { assets: { imageFilePath: flatPath, audioFilePath: audioPath }, startSeconds: 0, endSeconds: 1 },
      { downloadDirectory: join(directory, 'faceless') },
    )
    expect(result.status).toBe('error')
    expect(result.error).toMatchObject({ code: 'no_source_face', message: expect.any(String) })
    expect(result.downloads).toEqual([])
    expect(emulator.ledger.refunds({ requestId: result.id })).toMatchObject([{ credits: 30 }])
    expect(emulator.ledger.netCredits({ requestId: result.id })).toBe(0)
  })

  it('cancels a running project with DELETE, refunding it', async () => {
    const image = await client.v1.files.uploadFile(imagePath)
    const audio = await client.v1.files.uploadFile(audioPath)
    const { id } = await client.v1.aiTalkingPhoto.create({ assets: { imageFilePath: image, audioFilePath: audio }, startSeconds: 0, endSeconds: 1 })
    await client.v1.videoProjects.delete({ id })
    const project = await client.v1.videoProjects.get({ id })
    expect(project).toMatchObject({ status: 'canceled', enabled: false, downloads: [] })
    expect(emulator.ledger.cancels({ requestId: id })).toHaveLength(1)
    expect(emulator.ledger.netCredits({ requestId: id })).toBe(0)
  })

  it('answers 400 with a message naming the field for out-of-range seconds', async () => {
    const { status, body } = await errorBody(
      client.v1.aiTalkingPhoto.create({ assets: { imageFilePath: 'https://example.com/a.png', audioFilePath: 'https://example.com/a.mp3' }, startSeconds: 10, endSeconds: 80 }),
    )
    expect(status).toBe(400)
    expect(body.message).toMatch(/60 seconds/)
    const missing = await errorBody(client.v1.imageToVideo.create({ assets: { imageFilePath: 'https://example.com/a.png' }, endSeconds: 0.5 }))
    expect(missing.status).toBe(400)
    expect(missing.body.message).toMatch(/end_seconds/)
  })

  it('answers 401 for an unknown token and 404 for an unknown project', async () => {
    const stranger = new Client({ token: 'nobody', baseUrl: emulator.baseUrl })
    expect(await errorBody(stranger.v1.videoProjects.get({ id: 'cm-none' }))).toEqual({ status: 401, body: { message: 'Unauthorized' } })
    expect(await errorBody(client.v1.videoProjects.get({ id: 'cm-none' }))).toEqual({ status: 404, body: { message: 'Not Found' } })
  })

  it('answers 402 when the credits run out', async () => {
    const poor = new Client({ token: 'poor-token', baseUrl: emulator.baseUrl })
    const request = { assets: { imageFilePath: 'https://example.com/a.png', audioFilePath: 'https://example.com/a.mp3' }, startSeconds: 0, endSeconds: 3 }
    await poor.v1.aiTalkingPhoto.create(request)
    expect(await errorBody(poor.v1.aiTalkingPhoto.create(request))).toEqual({ status: 402, body: { message: 'Payment required' } })
  })
})
