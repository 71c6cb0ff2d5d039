import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { probeMedia } from '@portrait-animator/core'
import { beforeAll, describe, expect, it } from 'vitest'
import { findChromium } from './find-chromium.js'
import { createIdentityScorer } from './identity-similarity.js'
import { readMediaContainer } from './media-container.js'
import { measureOutput } from './output-figures.js'

const ASSETS = new URL('../../../../examples/assets/', import.meta.url)
/** 4 s of the sample portrait talking: H.264 High profile, 2 B-frames, 25 fps, AAC (packages/emulator/fixtures/NOTICE.md). */
const HIGH_PROFILE_CLIP = fileURLToPath(new URL('../../../emulator/fixtures/provider-shaped.mp4', import.meta.url))

// Skipped only on a developer machine without chromium; in CI (CI set) a missing browser fails the test.
const chromium = findChromium()
const skip = chromium === undefined && !process.env.CI
if (skip) console.warn('Skipping the High-profile measurements: no chromium found. Install it with "apt-get install -y chromium".')

describe.skipIf(skip)('measuring a clip shaped like fal and Magic Hour outputs (High profile, B-frames, AAC)', () => {
  let clip: Uint8Array
  let portrait: Uint8Array
  let speech: Uint8Array
  beforeAll(async () => {
    ;[clip, portrait, speech] = await Promise.all([readFile(HIGH_PROFILE_CLIP), readFile(fileURLToPath(new URL('astronaut.png', ASSETS))), readFile(fileURLToPath(new URL('hello.wav', ASSETS)))])
  })

  it('is what the test says it is: High profile with frames stored out of display order', async () => {
    const { video, audio } = await readMediaContainer(clip)
    expect(video!.codecString).toMatch(/^avc1\.64/)
    const timestamps: number[] = []
    for await (const packet of video!.packets()) timestamps.push(packet.timestamp)
    expect(timestamps.some((timestamp, index) => index > 0 && timestamp < timestamps[index - 1]!)).toBe(true)
    expect(audio).toMatchObject({ codec: 'aac' })
  })

  it('gets motion energy, identity, a strip of frames and the audio track, decoded by Chromium', async () => {
    const figures = await measureOutput(clip, { identity: createIdentityScorer(portrait), strip: true })
    expect(figures).toMatchObject({ width: 256, height: 256, fps: 25, decoder: 'chromium', hasAudioTrack: true })
    expect(figures.durationSeconds).toBeCloseTo(4, 1)
    expect(figures.audioSeconds).toBeCloseTo(4, 1)
    expect(figures.motionEnergy).toBeGreaterThan(0.05)
    expect(figures.motionEnergy).toBeLessThan(10)
    expect(figures.motionSeries).toHaveLength(99)
    expect(figures.identitySimilarity).toBeGreaterThan(0.6)
    expect(probeMedia(figures.stripImage!)).toMatchObject({ format: 'jpeg', height: 96 })
    expect(figures.notes.motionEnergy).toBeUndefined()
  })

  it('finds the lip-sync offset against the speech that drove it, and sees a shifted one', async () => {
    const inSync = await measureOutput(clip, { audio: { bytes: speech, startSeconds: 0, endSeconds: 4 }, identity: createIdentityScorer(portrait) })
    expect(inSync.inputAudioSeconds).toBe(4)
    expect(inSync.notes.lipSyncOffsetMs).toBeUndefined()
    expect(Math.abs(inSync.lipSyncOffsetMs!)).toBeLessThanOrEqual(80)
    // Measured against the speech from 0.2 s on, each sound comes 0.2 s before the mouth shapes it: the mouth is 200 ms late.
    const late = await measureOutput(clip, { audio: { bytes: speech, startSeconds: 0.2, endSeconds: 4.2 }, identity: createIdentityScorer(portrait) })
    expect(late.lipSyncOffsetMs).toBeGreaterThanOrEqual(120)
    expect(late.lipSyncOffsetMs).toBeLessThanOrEqual(280)
  })

  it("measures lip sync against the clip's own AAC track when no input speech is given", async () => {
    const figures = await measureOutput(clip)
    expect(figures.inputAudioSeconds).toBeNull()
    expect(figures.notes.lipSyncOffsetMs).toBe("measured against the clip's own audio track")
    expect(Math.abs(figures.lipSyncOffsetMs!)).toBeLessThanOrEqual(80)
  })
})

describe('without Chromium', () => {
  it('leaves motion and identity empty with the reason, and keeps the container figures', async () => {
    if (!existsSync(HIGH_PROFILE_CLIP)) throw new Error(`${HIGH_PROFILE_CLIP} is missing`)
    const figures = await measureOutput(await readFile(HIGH_PROFILE_CLIP), { chromium: false })
    expect(figures).toMatchObject({ fps: 25, hasAudioTrack: true, motionEnergy: null, identitySimilarity: null, decoder: null })
    expect(figures.notes.motionEnergy).toMatch(/High profile.*no Chromium was found/)
  })
})
