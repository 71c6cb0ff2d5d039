import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeBmp } from './bmp-image.js'
import { inspectMp4 } from './mp4-inspect.test-helpers.js'
import { startEmulator, type Emulator } from './start-emulator.js'
import { createFeaturelessImage, createTestPortrait } from './test-images.js'
import type { LooseJson } from './loose-json.test-helpers.js'

const KEY = 'ailab-test-key'

async function livePhoto(
  emulator: Emulator,
  image: Buffer | undefined,
  options: { key?: string | null; type?: string; fileName?: string } = {},
): Promise<{ status: number; body: LooseJson }> {
  const form = new FormData()
  if (image) form.append('image_target', new Blob([new Uint8Array(image)]), options.fileName ?? 'portrait.png')
  if (options.type !== undefined) form.append('type', options.type)
  const headers: Record<string, string> = {}
  if (options.key !== null) headers['ailabapi-api-key'] = options.key ?? KEY
  const response = await fetch(`${emulator.baseUrl}/api/portrait/effects/live-photo`, { method: 'POST', headers, body: form })
  return { status: response.status, body: (await response.json()) as LooseJson }
}

describe('AILab live-photo route', () => {
  let emulator: Emulator

  beforeAll(async () => {
    emulator = await startEmulator({ seed: 7, jobDurationMs: 0, keys: { ailab: [KEY, 'second-key'] }, credits: { ailab: { 'second-key': 30 } } })
  })
  afterAll(() => emulator.stop())

  it('answers a raw multipart request with a base64 MP4 that plays, in the input aspect at most 512 px', async () => {
    const portrait = await createTestPortrait({ width: 800, height: 600, format: 'jpeg' })
    const { status, body } = await livePhoto(emulator, portrait, { type: '0' })
    expect(status).toBe(200)
    expect(body).toMatchObject({
      error_code: 0,
      error_detail: { status_code: 200, code: '' },
      request_id: expect.any(String),
      log_id: expect.any(String),
    })
    const video = Buffer.from(body.data.video, 'base64')
    const summary = inspectMp4(video)
    expect(summary.codec).toBe('avc1')
    expect([summary.width, summary.height]).toEqual([512, 384])
    expect(summary.sampleCount).toBe(48)
    expect(summary.durationSeconds).toBeCloseTo(2, 1)
    expect(summary.firstSampleNalTypes).toContain(5)
  })

  it('accepts PNG and BMP, and type 1 (full body)', async () => {
    const png = await livePhoto(emulator, await createTestPortrait({ format: 'png' }), { type: '1' })
    expect(png.status).toBe(200)
    const bmp = await livePhoto(emulator, await createTestPortrait({ format: 'bmp', width: 120, height: 160 }), { fileName: 'p.bmp' })
    expect(bmp.status).toBe(200)
    expect(inspectMp4(Buffer.from(bmp.body.data.video, 'base64'))).toMatchObject({ width: 128, height: 160 })
  })

  it.each([
    ['a missing key', { key: null }, 401, 'ERROR_USER_NOT_EXISTS'],
    ['a key that is not accepted', { key: 'someone-else' }, 401, 'ERROR_USER_NOT_EXISTS'],
    ['a type other than 0 or 1', { type: '2' }, 400, 'ERROR_INVALID_PARAMETER'],
  ] as const)('rejects %s', async (_name, options, status, code) => {
    const { status: actual, body } = await livePhoto(emulator, await createTestPortrait(), options)
    expect(actual).toBe(status)
    expect(body).toMatchObject({ error_code: status, error_detail: { status_code: status, code } })
  })

  it('rejects a request without image_target', async () => {
    const { status, body } = await livePhoto(emulator, undefined, { type: '0' })
    expect(status).toBe(400)
    expect(body.error_detail.code).toBe('MISSING_PARAMETERS')
  })

  it('rejects a file over 5 MB with 413 FILE_SIZE_EXCEEDS_LIMIT', async () => {
    const big = Buffer.concat([await createTestPortrait({ format: 'png' }), Buffer.alloc(5 * 1024 * 1024)])
    const { status, body } = await livePhoto(emulator, big)
    expect(status).toBe(413)
    expect(body.error_detail.code).toBe('FILE_SIZE_EXCEEDS_LIMIT')
  })

  it('rejects WebP and GIF with 415 UNSUPPORTED_FILE_TYPES', async () => {
    for (const format of ['webp', 'gif'] as const) {
      const { status, body } = await livePhoto(emulator, await createTestPortrait({ format }))
      expect(status).toBe(415)
      expect(body.error_detail.code).toBe('UNSUPPORTED_FILE_TYPES')
    }
  })

  it('rejects 4096 px and more with 422 FILE_RESOLUTION_EXCEEDS_LIMITS', async () => {
    const wide = await sharp({ create: { width: 4096, height: 16, channels: 3, background: '#888' } }).png().toBuffer()
    const { status, body } = await livePhoto(emulator, wide)
    expect(status).toBe(422)
    expect(body.error_detail.code).toBe('FILE_RESOLUTION_EXCEEDS_LIMITS')
  })

  it('answers 422 ERROR_NO_FACE_IN_FILE for a featureless image, in JPEG, PNG and BMP alike', async () => {
    for (const format of ['jpeg', 'png', 'bmp'] as const) {
      const { status, body } = await livePhoto(emulator, await createFeaturelessImage({ format }))
      expect(status).toBe(422)
      expect(body).toMatchObject({ error_code: 422, error_detail: { code: 'ERROR_NO_FACE_IN_FILE' } })
    }
    const flat = encodeBmp(Buffer.alloc(64 * 64 * 3, 200), 64, 64)
    expect((await livePhoto(emulator, flat)).body.error_detail.code).toBe('ERROR_NO_FACE_IN_FILE')
  })

  it('charges 22 credits per success only, and answers 429 ERROR_NOT_ENOUGH_CREDITS when they run out', async () => {
    const portrait = await createTestPortrait()
    const account = emulator.ledger.accountOf('second-key')
    expect((await livePhoto(emulator, await createFeaturelessImage(), { key: 'second-key' })).status).toBe(422)
    expect((await livePhoto(emulator, portrait, { key: 'second-key' })).status).toBe(200)
    const broke = await livePhoto(emulator, portrait, { key: 'second-key' })
    expect(broke.status).toBe(429)
    expect(broke.body.error_detail.code).toBe('ERROR_NOT_ENOUGH_CREDITS')
    expect(emulator.ledger.charges({ account }).map((entry) => entry.credits)).toEqual([22])
    expect(emulator.ledger.submissions({ account })).toHaveLength(2)
  })
})

describe('AILab retired mode', () => {
  it('answers every call with the documented 404 ERROR_AI_NOT_EXISTS envelope, key or not', async () => {
    const emulator = await startEmulator({ ailab: { mode: 'retired' } })
    try {
      for (const key of [KEY, null] as const) {
        const { status, body } = await livePhoto(emulator, await createTestPortrait(), { key })
        expect(status).toBe(404)
        expect(body).toMatchObject({
          error_code: 404,
          error_code_str: 'ERROR_AI_NOT_EXISTS',
          error_detail: { status_code: 404, code: 'ERROR_AI_NOT_EXISTS', code_message: expect.any(String) },
          request_id: expect.any(String),
          log_id: expect.any(String),
        })
        expect(body.data).toBeUndefined()
      }
      expect(emulator.ledger.entries()).toEqual([])
    } finally {
      await emulator.stop()
    }
  })
})

describe('AILab flow restriction', () => {
  it('answers 503 AI_SERVICE_FLOW_RESTRICTION past maxConcurrent calls at once', async () => {
    // Long enough that the three requests overlap even on a busy machine (200 ms was not, in full runs).
    const emulator = await startEmulator({ jobDurationMs: 2000, ailab: { maxConcurrent: 1 } })
    try {
      const portrait = await createTestPortrait()
      const results = await Promise.all([livePhoto(emulator, portrait), livePhoto(emulator, portrait), livePhoto(emulator, portrait)])
      const statuses = results.map((result) => result.status).sort()
      expect(statuses).toEqual([200, 503, 503])
      expect(results.find((result) => result.status === 503)?.body.error_detail.code).toBe('AI_SERVICE_FLOW_RESTRICTION')
    } finally {
      await emulator.stop()
    }
  })
})
