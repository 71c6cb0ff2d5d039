import { describe, expect, it } from 'vitest'
import { FACE_DEPTH, normalizeFaceDepth } from './face-depth.js'
import { FACE_OVAL } from './face-regions.js'

function face(width: number, depth: number): Float64Array {
  const landmarks = new Float64Array(478 * 3)
  FACE_OVAL.forEach((landmark, index) => {
    const angle = (2 * Math.PI * index) / FACE_OVAL.length
    landmarks.set([(width / 2) * Math.cos(angle), width * 0.65 * Math.sin(angle), depth], landmark * 3)
  })
  landmarks.set([0, 0, 0], 1 * 3)
  return landmarks
}

describe('normalizeFaceDepth', () => {
  it('gives every face the same depth in face widths, whatever depth the detector reported', () => {
    for (const [width, depth] of [
      [60, 80],
      [300, 20],
    ] as const) {
      const landmarks = face(width, depth)
      expect(normalizeFaceDepth(landmarks)).toBeCloseTo(width, 6)
      expect((landmarks[FACE_OVAL[0]! * 3 + 2]! - landmarks[1 * 3 + 2]!) / width).toBeCloseTo(FACE_DEPTH, 6)
    }
  })
})
