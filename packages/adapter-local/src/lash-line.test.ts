import { describe, expect, it } from 'vitest'
import { drawLashLine } from './lash-line.js'

function white(width: number, height: number): Uint8Array {
  return new Uint8Array(width * height * 4).fill(255)
}

describe('drawLashLine', () => {
  it('darkens a thin line along the points and leaves the rest of the frame alone', () => {
    const frame = white(20, 10)
    drawLashLine(frame, 20, 10, Float64Array.from([2, 5, 18, 5]), 0.5, [0, 0, 0], 1)
    const luma = (x: number, y: number) => frame[(y * 20 + x) * 4]!
    // The row the line runs through (pixel centres at y 4.5 and 5.5 are 0.5 away) is darkened,
    expect(luma(10, 4)).toBeLessThan(130)
    expect(luma(10, 5)).toBeLessThan(130)
    // rows two pixels away are untouched, and so is everything beyond the line's ends.
    expect(luma(10, 2)).toBe(255)
    expect(luma(10, 7)).toBe(255)
    expect(luma(0, 5)).toBe(255)
  })

  it('does nothing at zero opacity', () => {
    const frame = white(8, 8)
    drawLashLine(frame, 8, 8, Float64Array.from([1, 4, 7, 4]), 1, [0, 0, 0], 0)
    expect(frame.every((value) => value === 255)).toBe(true)
  })
})
