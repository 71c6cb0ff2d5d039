import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { movedFrame, portraitFrame } from './portrait-frames.js'
import { createTestPortrait } from './test-images.js'

function meanDifference(first: Uint8Array, second: Uint8Array): number {
  let sum = 0
  for (let index = 0; index < first.length; index++) sum += Math.abs(first[index]! - second[index]!)
  return sum / first.length
}

describe('emulated outputs show the submitted portrait', () => {
  it('starts from the portrait itself, cropped to the output size', async () => {
    const portrait = await createTestPortrait()
    const frame = await portraitFrame(portrait, 64, 64)
    const expected = await sharp(portrait).resize(64, 64, { fit: 'cover' }).ensureAlpha().raw().toBuffer()
    expect(frame).toMatchObject({ width: 64, height: 64 })
    expect(meanDifference(frame.data, expected)).toBeLessThan(1)
  })

  it('moves the jaw only while there is speech, and nods otherwise', async () => {
    const base = await portraitFrame(await createTestPortrait(), 64, 64)
    const silent = movedFrame(base, { kind: 'talk', mouthOpen: () => 0 }, 5, 24, 24)
    const open = movedFrame(base, { kind: 'talk', mouthOpen: () => 1 }, 5, 24, 24)
    expect(meanDifference(silent, base.data)).toBe(0)
    // The stretch grows downwards: the top rows stay, the bottom rows move.
    expect(meanDifference(open.subarray(0, 64 * 4 * 4), base.data.subarray(0, 64 * 4 * 4))).toBe(0)
    expect(meanDifference(open, base.data)).toBeGreaterThan(0)
    expect(meanDifference(movedFrame(base, { kind: 'nod' }, 6, 24, 24), base.data)).toBeGreaterThan(0)
  })
})
