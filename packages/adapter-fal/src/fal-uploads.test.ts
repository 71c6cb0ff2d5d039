import { createHash } from 'node:crypto'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTestPortrait, startEmulator, type Emulator, type EmulatorOptions } from '@portrait-animator/emulator'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createFal } from './fal-provider.js'
import type { FalSettings } from './fal-settings.js'

/*
 * Uploads against the emulator, counted on its ledger: each distinct input is uploaded to fal
 * storage once per provider while the upload lives, whatever the number of jobs using it.
 */

const KEY = 'fal-uploads-id:fal-uploads-secret'
const SMILE = { type: 'expression', smile: 0.5 } as const

let emulator: Emulator | undefined
afterEach(async () => {
  vi.useRealTimers()
  await emulator?.stop()
  emulator = undefined
})

async function start(settings: FalSettings = {}, options: EmulatorOptions = {}) {
  emulator = await startEmulator({ seed: 17, jobDurationMs: 50, ...options })
  return { emulator, animator: createFal({ apiKey: KEY, baseUrl: emulator.baseUrl, statusMode: 'polling', ...settings }).livePortraitImage() }
}

const digest = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

describe('fal uploads', () => {
  it('uploads the input of 200 concurrent jobs once', async () => {
    const { emulator, animator } = await start()
    const image = new Uint8Array(await createTestPortrait({ width: 320, height: 320 }))
    const handles = await Promise.all(Array.from({ length: 200 }, () => animator.start!({ image, motion: SMILE })))
    expect(new Set(handles.map((handle) => handle.jobId)).size).toBe(200)
    expect(emulator.ledger.uploads({ provider: 'fal' })).toMatchObject([{ inputDigest: digest(image), bytes: image.byteLength }])
    expect(emulator.ledger.submissions({ provider: 'fal', inputDigest: digest(image) })).toHaveLength(200)
  })

  it('uploads each distinct input once, given as bytes, a path or a Blob', async () => {
    const { emulator, animator } = await start({ maxConcurrentUploads: 2 })
    const images = await Promise.all([300, 310, 320].map(async (size) => new Uint8Array(await createTestPortrait({ width: size, height: size }))))
    const path = join(await mkdtemp(join(tmpdir(), 'fal-uploads-')), 'portrait.png')
    await writeFile(path, images[1]!)
    const blob = new Blob([images[2]!], { type: 'image/png' })
    const inputs = [images[0]!, path, blob]
    await Promise.all(Array.from({ length: 30 }, (_, index) => animator.start!({ image: inputs[index % 3]!, motion: SMILE })))
    const uploads = emulator.ledger.uploads({ provider: 'fal' })
    expect(uploads.map((upload) => upload.inputDigest).sort()).toEqual(images.map(digest).sort())
  })

  it('does not keep a failed upload: the next job uploads again', async () => {
    const { emulator, animator } = await start({}, { faults: [{ route: 'fal.upload', status: 403, times: 1 }] })
    const image = new Uint8Array(await createTestPortrait({ width: 300, height: 300 }))
    await expect(animator.start!({ image, motion: SMILE })).rejects.toMatchObject({ accepted: false })
    expect(emulator.ledger.uploads()).toHaveLength(0)
    await animator.start!({ image, motion: SMILE })
    await animator.start!({ image, motion: SMILE })
    expect(emulator.ledger.uploads({ provider: 'fal', inputDigest: digest(image) })).toHaveLength(1)
    expect(emulator.ledger.submissions({ provider: 'fal' })).toHaveLength(2)
  })

  it('uploads again once half the upload lifetime has passed', async () => {
    const { emulator, animator } = await start({ uploadLifetimeSeconds: 600 })
    const image = new Uint8Array(await createTestPortrait({ width: 300, height: 300 }))
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() })
    await animator.start!({ image, motion: SMILE })
    vi.setSystemTime(Date.now() + 299_000)
    await animator.start!({ image, motion: SMILE })
    expect(emulator.ledger.uploads({ provider: 'fal' })).toHaveLength(1)
    vi.setSystemTime(Date.now() + 2_000)
    await animator.start!({ image, motion: SMILE })
    expect(emulator.ledger.uploads({ provider: 'fal', inputDigest: digest(image) })).toHaveLength(2)
  })
})
