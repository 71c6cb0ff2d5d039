import { beforeAll, describe, expect, it } from 'vitest'
import { FACE_OVAL } from './face-regions.js'
import { astronautBytes } from './local-test-images.test-helpers.js'
import { presetFace } from './motion-curves.js'
import { preparePortrait, type PreparedPortrait } from './prepare-portrait.js'
import { renderFrames } from './render-frames.js'

let portrait: PreparedPortrait
let rest: Uint8Array
let nodded: Uint8Array
let face: { x: number; y: number; width: number; top: number }

function lumaAt(frame: Uint8Array, width: number, x: number, y: number): number {
  const offset = (y * width + x) * 4
  return 0.299 * frame[offset]! + 0.587 * frame[offset + 1]! + 0.114 * frame[offset + 2]!
}

/** Bilinear luma at a fractional position. */
function sampleLuma(frame: Uint8Array, width: number, x: number, y: number): number {
  const left = Math.floor(x)
  const top = Math.floor(y)
  const fx = x - left
  const fy = y - top
  return (
    (1 - fy) * ((1 - fx) * lumaAt(frame, width, left, top) + fx * lumaAt(frame, width, left + 1, top)) +
    fy * ((1 - fx) * lumaAt(frame, width, left, top + 1) + fx * lumaAt(frame, width, left + 1, top + 1))
  )
}

/** How far (px) the square patch of `size` at (x, y) in `rest` moved in `moved`: the shift with the smallest squared difference. */
function patchShift(x: number, y: number, size: number): { dx: number; dy: number } {
  const { width } = portrait
  let best = { dx: 0, dy: 0, error: Infinity }
  for (let dy = -8; dy <= 8; dy += 0.25) {
    for (let dx = -8; dx <= 8; dx += 0.25) {
      let error = 0
      for (let row = 0; row < size; row++) {
        for (let column = 0; column < size; column++) {
          error += (sampleLuma(nodded, width, x + column + dx, y + row + dy) - lumaAt(rest, width, x + column, y + row)) ** 2
        }
      }
      if (error < best.error) best = { dx, dy, error }
    }
  }
  return best
}

beforeAll(async () => {
  portrait = await preparePortrait(astronautBytes(), { maxSide: 512, framing: 'head', noFace: 'error' })
  const frames: Uint8Array[] = []
  // The nod's deepest point in the live-photo clip, breathing included.
  await renderFrames(portrait, [presetFace('live-photo', 0), presetFace('live-photo', 25 / 72)], (frame) => {
    frames.push(Uint8Array.from(frame))
  })
  ;[rest, nodded] = frames as [Uint8Array, Uint8Array]
  const landmarks = portrait.landmarks!
  const xs = FACE_OVAL.map((landmark) => landmarks[landmark * 3]!)
  const ys = FACE_OVAL.map((landmark) => landmarks[landmark * 3 + 1]!)
  face = { x: xs.reduce((sum, x) => sum + x, 0) / xs.length, y: ys.reduce((sum, y) => sum + y, 0) / ys.length, width: Math.max(...xs) - Math.min(...xs), top: Math.min(...ys) }
})

describe('the head layer', () => {
  it('keeps the background still: nothing changes beyond the head and its soft matte', () => {
    const { width, height } = portrait
    let changed = 0
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        // Beyond a face width from the face centre across, or 1.1 face widths up (the matte ends
        // before both), and everything below the neck.
        const beyond = Math.abs(x + 0.5 - face.x) > face.width || y + 0.5 < face.y - 1.1 * face.width || y + 0.5 > face.y + 1.4 * face.width
        if (beyond && lumaAt(rest, width, x, y) !== lumaAt(nodded, width, x, y)) changed++
      }
    }
    // The first version's rings dragged the background up to 2.3 face widths out.
    expect(changed).toBe(0)
  })

  it('moves the hair with the face as one piece', () => {
    const size = 12
    const forehead = patchShift(Math.round(face.x - size / 2), Math.round(face.top + 0.1 * face.width), size)
    const hair = patchShift(Math.round(face.x - size / 2), Math.round(face.top - 0.15 * face.width - size), size)
    expect(Math.hypot(forehead.dx, forehead.dy)).toBeGreaterThan(1.5)
    // With rings following the head at 0.6 just outside the face, the hair lagged by 40 %.
    expect(Math.hypot(hair.dx - forehead.dx, hair.dy - forehead.dy)).toBeLessThanOrEqual(0.5)
  })
})
