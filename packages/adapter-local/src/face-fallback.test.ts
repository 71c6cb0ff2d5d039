import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { faceFallbackReason } from './face-fallback.js'
import { renderPreset } from './render-preset.js'

/** scikit-image's CC0 "camera" photo: a man in near-profile behind a video camera (see bench/assets/NOTICE.md). */
const CAMERAMAN = fileURLToPath(new URL('../../../bench/assets/cameraman.png', import.meta.url))

/** 468 landmarks at the origin, with the nose tip and the two sides of the face placed. */
function points(noseX: number): Float64Array {
  const landmarks = new Float64Array(478 * 3)
  landmarks.set([noseX, 0, 0], 1 * 3)
  landmarks.set([-50, 0, 0], 234 * 3)
  landmarks.set([50, 0, 0], 454 * 3)
  return landmarks
}

describe('faceFallbackReason', () => {
  it('warps a confident frontal face', () => {
    expect(faceFallbackReason(0.95, points(5))).toBeUndefined()
  })

  it('falls back for a profile and for an unsure detection', () => {
    expect(faceFallbackReason(0.95, points(40))).toMatch(/profile/)
    expect(faceFallbackReason(0.5, points(0))).toMatch(/low confidence/)
  })
})

describe('a profile photo', () => {
  it('is not torn: the whole image moves gently, and a warning says why', async () => {
    const frames: Uint8Array[] = []
    const clip = await renderPreset(CAMERAMAN, 'live-photo', { onFrame: (frame) => frames.push(Uint8Array.from(frame)) })
    expect(clip.warnings.map((warning) => warning.message).join(' ')).toMatch(/not animated: .*(profile|low confidence).*whole image moves gently/)
    expect(clip.frameCount).toBe(72)
    // The whole-image zoom moves the corners too (a face warp keeps them still).
    const corner = (frame: Uint8Array) => frame.subarray(0, 40 * 4)
    expect(Buffer.compare(corner(frames[36]!), corner(frames[0]!))).not.toBe(0)
  })
})
