import { describe, expect, it } from 'vitest'
import { rgbaToI420 } from './rgba-to-i420.js'

function solid(width: number, height: number, red: number, green: number, blue: number): Uint8Array {
  const rgba = new Uint8Array(width * height * 4)
  for (let offset = 0; offset < rgba.length; offset += 4) rgba.set([red, green, blue, 255], offset)
  return rgba
}

describe('rgbaToI420', () => {
  it('maps black and white to 16 and 235 in limited range, grey chroma to 128', () => {
    const out = new Uint8Array(6)
    expect([...rgbaToI420(solid(2, 2, 0, 0, 0), 2, 2, 'limited', out)]).toEqual([16, 16, 16, 16, 128, 128])
    expect([...rgbaToI420(solid(2, 2, 255, 255, 255), 2, 2, 'limited', out)]).toEqual([235, 235, 235, 235, 128, 128])
    expect([...rgbaToI420(solid(2, 2, 255, 255, 255), 2, 2, 'full', out)]).toEqual([255, 255, 255, 255, 128, 128])
  })

  it('averages the 2x2 block for chroma, so a one-pixel colour edge does not decide the colour', () => {
    const rgba = solid(2, 2, 128, 128, 128)
    rgba.set([255, 0, 0, 255], 0)
    const [, , , , u, v] = rgbaToI420(rgba, 2, 2, 'limited', new Uint8Array(6))
    const pureRed = rgbaToI420(solid(2, 2, 255, 0, 0), 2, 2, 'limited', new Uint8Array(6))
    // A quarter of the way from grey to pure red.
    expect(v).toBeCloseTo(128 + (pureRed[5]! - 128) / 4 + ((128 * 0.5 - 128 * 0.418688 - 128 * 0.081312) * 224) / 255 * 0.75, 0)
    expect(u).toBeLessThan(128)
    expect(u).toBeGreaterThan(pureRed[4]!)
  })

  it('clamps full-range chroma of pure blue to 255 instead of wrapping to 0', () => {
    const [, , , , u] = rgbaToI420(solid(2, 2, 0, 0, 255), 2, 2, 'full', new Uint8Array(6))
    expect(u).toBe(255)
  })
})
