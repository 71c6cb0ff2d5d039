import { describe, expect, it } from 'vitest'
import { eyeOpenness } from './eye-openness.js'

/** Mesh points with two eyes 20 px wide whose three lid pairs are `gap` apart across the eye and `slide` along it. */
function eyes(gap: number, slide: number, tiltDegrees = 0): Float32Array {
  const points = new Float32Array(478 * 3)
  const angle = (tiltDegrees * Math.PI) / 180
  const put = (index: number, alongPx: number, acrossPx: number, originX: number): void => {
    points[index * 3] = originX + alongPx * Math.cos(angle) - acrossPx * Math.sin(angle)
    points[index * 3 + 1] = 100 + alongPx * Math.sin(angle) + acrossPx * Math.cos(angle)
  }
  const eye = (pairs: ReadonlyArray<readonly [number, number]>, corners: readonly [number, number], originX: number): void => {
    put(corners[0], 0, 0, originX)
    put(corners[1], 20, 0, originX)
    pairs.forEach(([upper, lower], index) => {
      put(upper, 5 + index * 5, -gap / 2, originX)
      put(lower, 5 + index * 5 + slide, gap / 2, originX)
    })
  }
  eye([[160, 144], [159, 145], [158, 153]], [33, 133], 100)
  eye([[387, 373], [386, 374], [385, 380]], [362, 263], 160)
  return points
}

describe('eyeOpenness', () => {
  it('is the lid gap over the eye width, whatever the head tilt', () => {
    expect(eyeOpenness(eyes(6, 0))).toBeCloseTo(0.3, 5)
    expect(eyeOpenness(eyes(6, 0, 25))).toBeCloseTo(0.3, 5)
  })

  it('reads a closed eye as closed when Human slides its lid points apart along the eye', () => {
    // Lids 0.4 px apart across, 2.5 px along: a plain distance would read 0.13 (0.42 of open).
    expect(eyeOpenness(eyes(0.4, 2.5))).toBeCloseTo(0.02, 5)
    expect(eyeOpenness(eyes(0.4, 2.5, -15))).toBeCloseTo(0.02, 5)
  })
})
