import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { renderPreset } from '@portrait-animator/adapter-local'
import { beforeAll, describe, expect, it } from 'vitest'
import { createIdentityScorer } from './identity-similarity.js'
import { measureOutput } from './output-figures.js'
import { encodeTestClip, solidFrame, squareFrame, withProfile } from './test-clips.test-helpers.js'

const ASTRONAUT = fileURLToPath(new URL('../../../../examples/assets/astronaut.png', import.meta.url))

describe('measureOutput', () => {
  let portrait: Uint8Array
  let liveClip: Uint8Array
  beforeAll(async () => {
    portrait = await readFile(ASTRONAUT)
    // A real output of the offline target: 3 s, 24 fps, 512x512 Baseline H.264.
    liveClip = (await renderPreset(portrait, 'live-photo')).bytes
  })

  it('measures a real live-photo clip: headers, gentle motion, and the same person', async () => {
    const figures = await measureOutput(liveClip, { identity: createIdentityScorer(portrait) })
    expect(figures).toMatchObject({ bytes: liveClip.byteLength, width: 512, height: 512, fps: 24, decoder: 'tinyh264', hasAudioTrack: false, audioSeconds: null, lipSyncOffsetMs: null })
    expect(figures.notes).toEqual({ audioSeconds: 'the output has no audio track', inputAudioSeconds: 'not an audio-driven output', lipSyncOffsetMs: 'not an audio-driven output' })
    expect(figures.motionSeries).toHaveLength(71)
    expect(figures.durationSeconds).toBeCloseTo(3, 1)
    expect(figures.motionEnergy).toBeGreaterThan(0.02)
    expect(figures.motionEnergy).toBeLessThan(2)
    expect(figures.identitySimilarity).toBeGreaterThan(0.6)
  })

  it('gives a low identity score when the output shows no face, with the reason', async () => {
    const clip = await encodeTestClip({ width: 128, height: 128, frames: 6, draw: (index) => squareFrame(128, 128, index * 10, 40) })
    const figures = await measureOutput(clip, { identity: createIdentityScorer(portrait) })
    expect(figures.identitySimilarity).toBeNull()
    expect(figures.notes.identitySimilarity).toMatch(/no face/i)
    expect(figures.motionEnergy).toBeGreaterThan(1)
  })

  it('keeps header figures and explains a null motion energy for High profile video when no Chromium can decode it', async () => {
    const clip = withProfile(await encodeTestClip({ width: 64, height: 64, frames: 4, draw: () => solidFrame(64, 64, 10, 20, 30) }), 100)
    const figures = await measureOutput(clip, { identity: createIdentityScorer(portrait), chromium: false, strip: true })
    expect(figures).toMatchObject({ width: 64, height: 64, fps: 12, motionEnergy: null, identitySimilarity: null, decoder: null })
    expect(figures.stripImage).toBeUndefined()
    expect(figures.notes.motionEnergy).toMatch(/High profile: tinyh264 \(h264bsd\) reads Baseline only, and no Chromium was found/)
    expect(figures.notes.identitySimilarity).toMatch(/High profile/)
  })

  it('never throws for bytes that are not media: every figure null with a note', async () => {
    const figures = await measureOutput(new TextEncoder().encode('FAKE-MP4'))
    expect(figures).toMatchObject({ bytes: 8, width: null, height: null, durationSeconds: null, fps: null, motionEnergy: null, identitySimilarity: null })
    expect(Object.keys(figures.notes).sort()).toEqual(['audioSeconds', 'durationSeconds', 'fps', 'hasAudioTrack', 'height', 'identitySimilarity', 'inputAudioSeconds', 'lipSyncOffsetMs', 'motionEnergy', 'strip', 'width'])
  })

  it('measures a still image output: size and identity, no motion', async () => {
    const figures = await measureOutput(portrait, { identity: createIdentityScorer(portrait) })
    expect(figures.width).toBeGreaterThan(0)
    expect(figures).toMatchObject({ fps: null, motionEnergy: null })
    expect(figures.notes.motionEnergy).toMatch(/still image/)
    expect(figures.identitySimilarity).toBeGreaterThan(0.95)
  })

  it('measures motion over the first maxFrames frames of a long clip and says so', async () => {
    const figures = await measureOutput(liveClip, { maxFrames: 10 })
    expect(figures.motionEnergy).not.toBeNull()
    expect(figures.notes.motionEnergy).toBe('measured over the first 10 of 72 frames')
    expect(figures.notes.identitySimilarity).toBe('not measured')
  })
})
