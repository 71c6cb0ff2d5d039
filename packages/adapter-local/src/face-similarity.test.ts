import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { PortraitAnimatorError } from '@portrait-animator/core'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { createLocal } from './create-local.js'
import { faceSimilarity } from './face-similarity.js'
import { ASTRONAUT_PATH, gradientPng, smallFaceInLargePhotoJpeg } from './local-test-images.test-helpers.js'
import { renderPreset } from './render-preset.js'

/** A thumbnail of a different person, from the sample sheet that ships inside @vladmandic/human. */
async function anotherPerson(): Promise<Uint8Array> {
  const sheet = join(dirname(createRequire(import.meta.url).resolve('@vladmandic/human')), '..', 'assets', 'samples.jpg')
  return new Uint8Array(await sharp(sheet).extract({ left: 326, top: 0, width: 150, height: 156 }).png().toBuffer())
}

describe('faceSimilarity', () => {
  it('scores the same photo as identical', async () => {
    expect(await faceSimilarity(ASTRONAUT_PATH, ASTRONAUT_PATH)).toBeGreaterThanOrEqual(0.99)
  })

  it('keeps an animated still of the person close, and a different person far', async () => {
    const still = await createLocal().warp().animate({ image: ASTRONAUT_PATH, motion: { type: 'expression', smile: 1, yaw: 10 } })
    const animated = await faceSimilarity(ASTRONAUT_PATH, await still.output.bytes())
    const stranger = await faceSimilarity(ASTRONAUT_PATH, await anotherPerson())
    expect(animated).toBeGreaterThan(0.6)
    expect(animated).toBeLessThan(1)
    expect(stranger).toBeLessThan(0.45)
  })

  it('accepts raw RGBA frames, such as the renderer produces', async () => {
    const frames: Array<{ data: Uint8Array; width: number; height: number; channels: 4 }> = []
    await renderPreset(ASTRONAUT_PATH, 'blink', {
      maxSide: 256,
      onFrame: (frame, index, size) => {
        if (index === 0) frames.push({ data: frame, ...size, channels: 4 })
      },
    })
    expect(await faceSimilarity(ASTRONAUT_PATH, frames[0]!)).toBeGreaterThan(0.8)
  })

  it('recognises a small face in a large photo as the person it is, and the live-photo clip of it too', async () => {
    const photo = await smallFaceInLargePhotoJpeg()
    // Described from the photo scaled down to 1024 px, the 110 px face scored 0.68 against the sample.
    expect(await faceSimilarity(ASTRONAUT_PATH, photo)).toBeGreaterThanOrEqual(0.9)
    const frames: Array<{ data: Uint8Array; width: number; height: number; channels: 4 }> = []
    await renderPreset(photo, 'live-photo', {
      onFrame: (frame, index, size) => {
        if (index % 12 === 0) frames.push({ data: frame, ...size, channels: 4 })
      },
    })
    // Every 12th frame, the nod's lowest and the smile's widest included (0.85 at frame 24 when the
    // 442x332 frame was described whole and the photo from a window of three face sizes).
    for (const frame of frames) expect(await faceSimilarity(photo, frame)).toBeGreaterThanOrEqual(0.9)
  }, 120_000)

  it('describes a face alike however much of its surroundings an image shows', async () => {
    const photo = await smallFaceInLargePhotoJpeg()
    // The photo as the animator frames it (442x332, four face heights; not animated: frame 0 of a
    // blink), and a square crop of seven face sizes around the face (near 1040, 636).
    let framed: { data: Uint8Array; width: number; height: number; channels: 4 } | undefined
    await renderPreset(photo, 'blink', {
      onFrame: (frame, index, size) => {
        if (index === 0) framed = { data: frame, ...size, channels: 4 }
      },
    })
    const wide = await sharp(photo).extract({ left: 725, top: 321, width: 630, height: 630 }).png().toBuffer()
    // Described whole, the animator's framing scored 0.94 against the photo.
    expect(await faceSimilarity(photo, framed!)).toBeGreaterThanOrEqual(0.97)
    expect(await faceSimilarity(photo, new Uint8Array(wide))).toBeGreaterThanOrEqual(0.97)
  }, 60_000)

  it('fails with no_face when an image has no face', async () => {
    const error = await faceSimilarity(ASTRONAUT_PATH, await gradientPng()).catch((caught: unknown) => caught)
    expect(PortraitAnimatorError.isInstance(error) && error.kind).toBe('no_face')
  })
})
