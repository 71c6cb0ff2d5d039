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

  it('converting only the changed region gives the same planes as converting the whole frame', () => {
    const width = 16
    const height = 12
    const first = new Uint8Array(width * height * 4).map((_, index) => (index * 37) % 251)
    const second = Uint8Array.from(first)
    // Change a block at odd coordinates: its 2x2 chroma blocks reach outside it.
    for (let y = 3; y < 8; y++) for (let x = 5; x < 10; x++) second.set([255, 10, 40, 255], (y * width + x) * 4)
    const whole = rgbaToI420(second, width, height, 'limited', new Uint8Array((width * height * 3) / 2))
    const reused = rgbaToI420(first, width, height, 'limited', new Uint8Array((width * height * 3) / 2))
    rgbaToI420(second, width, height, 'limited', reused, { left: 5, top: 3, right: 10, bottom: 8 })
    expect([...reused]).toEqual([...whole])
  })
})
