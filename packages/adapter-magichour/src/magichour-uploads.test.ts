import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createTestPortrait, startEmulator, type Emulator, type EmulatorOptions } from '@portrait-animator/emulator'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createMagicHour } from './magichour-provider.js'
import type { MagicHourSettings } from './magichour-settings.js'

/*
 * Uploads against the emulator, counted on its ledger: each distinct asset is uploaded to Magic
 * Hour's storage once per provider while its upload is fresh, whatever the number of jobs using it.
 */

const SPEECH = new URL('../../../examples/assets/hello.wav', import.meta.url).pathname
const API_KEY = 'mh_uploads_key_51c0e2'
const LIVE_PHOTO = { type: 'preset', preset: 'live-photo' } as const

let emulator: Emulator | undefined
afterEach(async () => {
  vi.useRealTimers()
  await emulator?.stop()
  emulator = undefined
})

async function start(settings: MagicHourSettings = {}, options: EmulatorOptions = {}) {
  emulator = await startEmulator({ seed: 23, jobDurationMs: 50, ...options })
  return { emulator, magicHour: createMagicHour({ apiKey: API_KEY, baseUrl: emulator.baseUrl, pollIntervalMs: 25, ...settings }) }
}

const digest = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

describe('Magic Hour uploads', () => {
  it('uploads the portrait of 200 concurrent jobs once', async () => {
    const { emulator, magicHour } = await start()
    const image = new Uint8Array(await createTestPortrait({ width: 320, height: 320 }))
    const animator = magicHour.imageToVideo()
    const handles = await Promise.all(Array.from({ length: 200 }, () => animator.start({ image, motion: LIVE_PHOTO })))
    expect(new Set(handles.map((handle) => handle.jobId)).size).toBe(200)
    expect(emulator.ledger.uploads({ provider: 'magichour' })).toMatchObject([{ inputDigest: digest(image), bytes: image.byteLength }])
    expect(emulator.ledger.submissions({ provider: 'magichour' })).toHaveLength(200)
  })

  it('uploads each distinct asset once: two portraits and one clip for twenty talking photos', async () => {
    const { emulator, magicHour } = await start({ maxConcurrentUploads: 1 })
    const images = await Promise.all([300, 310].map(async (size) => new Uint8Array(await createTestPortrait({ width: size, height: size }))))
    const animator = magicHour.talkingPhoto()
    await Promise.all(Array.from({ length: 20 }, (_, index) => animator.start({ image: images[index % 2]!, motion: { type: 'audio', audio: SPEECH } })))
    const uploaded = emulator.ledger.uploads({ provider: 'magichour' }).map((upload) => upload.inputDigest)
    expect(uploaded.sort()).toEqual([...images.map(digest), digest(await readFile(SPEECH))].sort())
  })

  it('does not keep a failed upload, and uploads again once the upload has grown old', async () => {
    const { emulator, magicHour } = await start({}, { faults: [{ route: 'magichour.upload', status: 403, times: 1 }] })
    const image = new Uint8Array(await createTestPortrait({ width: 300, height: 300 }))
    const animator = magicHour.imageToVideo()
    await expect(animator.start({ image, motion: LIVE_PHOTO })).rejects.toMatchObject({ accepted: false })
    expect(emulator.ledger.uploads()).toHaveLength(0)
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() })
    await animator.start({ image, motion: LIVE_PHOTO })
    // The emulator's upload URLs last an hour: the file is reused for half of that.
    vi.setSystemTime(Date.now() + 29 * 60_000)
    await animator.start({ image, motion: LIVE_PHOTO })
    expect(emulator.ledger.uploads({ provider: 'magichour', inputDigest: digest(image) })).toHaveLength(1)
    vi.setSystemTime(Date.now() + 2 * 60_000)
    await animator.start({ image, motion: LIVE_PHOTO })
    expect(emulator.ledger.uploads({ provider: 'magichour', inputDigest: digest(image) })).toHaveLength(2)
  })
})
