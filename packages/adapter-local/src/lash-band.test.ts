import { describe, expect, it } from 'vitest'
import { upperLashBand } from './lash-band.js'

/** A 40x40 RGBA photo: skin (grey 200) with a dark band (grey 40) `band` px tall just above row 20. */
function photoWithBand(band: number): { data: Uint8Array; width: number; height: number } {
  const width = 40
  const height = 40
  const data = new Uint8Array(width * height * 4)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const value = y < 20 && y >= 20 - band ? 40 : 200
      data.set([value, value, value, 255], (y * width + x) * 4)
    }
  }
  return { data, width, height }
}

// A 20 px eye from (10, 20) to (30, 20), its upper lid along row 20, 8 px of lid skin above it.
const EYE = { originX: 10, originY: 20, axisX: 1, axisY: 0, length: 20 }

describe('upperLashBand', () => {
  it('measures the dark band above the upper lid, in pixels (to where it is half-way to the skin)', () => {
    // The band's rows end half a pixel above the lid's row: 3 rows are 3.5 px from the lid's point.
    expect(upperLashBand(photoWithBand(3), EYE, () => 0, 8)).toBeCloseTo(3.5, 1)
    expect(upperLashBand(photoWithBand(5), EYE, () => 0, 8)).toBeCloseTo(5.5, 1)
  })

  it('gives the thinnest band (5% of the eye) where the lid is as light as the skin, and at most 30%', () => {
    expect(upperLashBand(photoWithBand(0), EYE, () => 0, 8)).toBe(1)
    expect(upperLashBand(photoWithBand(12), EYE, () => 0, 16)).toBeLessThanOrEqual(6)
  })
})
