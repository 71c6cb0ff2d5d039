import { beforeAll, describe, expect, it } from 'vitest'
import { IMAGE_LEFT_EYE, IMAGE_RIGHT_EYE } from './face-regions.js'
import { landmarkRegion, astronautBytes, meanAbsoluteDifference, type PixelRegion } from './local-test-images.test-helpers.js'
import { NEUTRAL_FACE, presetFace, presetTimeline, type FaceState } from './motion-curves.js'
import { preparePortrait, type PreparedPortrait } from './prepare-portrait.js'
import { innerLipOutline, insideOutline } from './mouth-grid.js'
import { renderFrames } from './render-frames.js'

// Pixel-level checks on the renderer's raw RGBA frames, before encoding (the encoded MP4 is
// checked through its boxes in local-warp-animator.test.ts; it is not decoded here).
let portrait: PreparedPortrait

async function render(states: readonly FaceState[]): Promise<Uint8Array[]> {
  const frames: Uint8Array[] = []
  await renderFrames(portrait, states, (frame) => {
    frames.push(Uint8Array.from(frame))
  })
  return frames
}

function corners(width: number, height: number, size = 48): PixelRegion[] {
  return [
    { left: 0, top: 0, width: size, height: size },
    { left: width - size, top: 0, width: size, height: size },
    { left: 0, top: height - size, width: size, height: size },
    { left: width - size, top: height - size, width: size, height: size },
  ]
}

/** Pixels darker than `threshold` (iris, pupil, lashes) inside a region. */
function darkPixels(frame: Uint8Array, width: number, region: PixelRegion, threshold = 70): number {
  let count = 0
  for (let y = region.top; y < region.top + region.height; y++) {
    for (let x = region.left; x < region.left + region.width; x++) {
      const offset = (y * width + x) * 4
      if (0.299 * frame[offset]! + 0.587 * frame[offset + 1]! + 0.114 * frame[offset + 2]! < threshold) count++
    }
  }
  return count
}

/** Mean x of the pixels darker than `threshold` inside a region. */
function darkCentroidX(frame: Uint8Array, width: number, region: PixelRegion, threshold = 90): number {
  let total = 0
  let count = 0
  for (let y = region.top; y < region.top + region.height; y++) {
    for (let x = region.left; x < region.left + region.width; x++) {
      const offset = (y * width + x) * 4
      if (0.299 * frame[offset]! + 0.587 * frame[offset + 1]! + 0.114 * frame[offset + 2]! >= threshold) continue
      total += x
      count++
    }
  }
  return total / count
}

/** Pixels that look like the white of the eye inside a region: bright and grey (skin is as bright, but pink). */
function whitePixels(frame: Uint8Array, width: number, region: PixelRegion): number {
  let count = 0
  for (let y = region.top; y < region.top + region.height; y++) {
    for (let x = region.left; x < region.left + region.width; x++) {
      const offset = (y * width + x) * 4
      const [red, green, blue] = [frame[offset]!, frame[offset + 1]!, frame[offset + 2]!]
      if (0.299 * red + 0.587 * green + 0.114 * blue > 140 && red - blue < 30) count++
    }
  }
  return count
}

beforeAll(async () => {
  portrait = await preparePortrait(astronautBytes(), { maxSide: 512, framing: 'head', noFace: 'error' })
})

describe('rendered frames of the sample portrait', () => {
  it('finds one face and keeps the photo size', () => {
    expect(portrait.faces).toHaveLength(1)
    expect([portrait.width, portrait.height]).toEqual([512, 512])
    expect(portrait.faceBox!.width).toBeGreaterThan(100)
  })

  it('live-photo: 72 frames that change over time, inside the face far more than in the corners', async () => {
    const frames = await render(presetTimeline('live-photo', 24))
    expect(frames).toHaveLength(72)
    const box = portrait.faceBox!
    const face = { left: Math.round(box.x), top: Math.round(box.y), width: Math.round(box.width), height: Math.round(box.height) }
    let faceMotion = 0
    let cornerMotion = 0
    let changed = 0
    for (const frame of frames) {
      const inFace = meanAbsoluteDifference(frame, frames[0]!, 512, face)
      faceMotion += inFace / frames.length
      for (const corner of corners(512, 512)) cornerMotion += meanAbsoluteDifference(frame, frames[0]!, 512, corner) / (4 * frames.length)
      if (inFace > 0.5) changed++
    }
    expect(changed).toBeGreaterThan(60)
    expect(faceMotion).toBeGreaterThan(2)
    expect(faceMotion).toBeGreaterThanOrEqual(3 * cornerMotion)
    // The border is pinned: corners are the photo itself in every frame.
    expect(cornerMotion).toBe(0)
    // The clip loops: its first frame is the photo as it was.
    expect(meanAbsoluteDifference(frames[0]!, portrait.photo, 512, { left: 0, top: 0, width: 512, height: 512 })).toBe(0)
  })

  it('live-photo: the eye region changes during the blink', async () => {
    const states = presetTimeline('live-photo', 24)
    const peak = states.reduce((best, state, index) => (state.blink > states[best]!.blink ? index : best), 0)
    expect(presetFace('live-photo', peak / 72).blink).toBeGreaterThan(0.9)
    const [before, atPeak] = await render([states[peak - 6]!, states[peak]!])
    const eyes = landmarkRegion(portrait.landmarks!, [...IMAGE_LEFT_EYE.upperLid, ...IMAGE_LEFT_EYE.lowerLid, ...IMAGE_RIGHT_EYE.upperLid, ...IMAGE_RIGHT_EYE.lowerLid], 2)
    expect(meanAbsoluteDifference(before!, atPeak!, 512, eyes)).toBeGreaterThan(8)
  })

  it('blink: the lids cover the irises, while the mouth stays as it was', async () => {
    const states = presetTimeline('blink', 24)
    const frames = await render(states)
    const peak = 12
    expect(states[peak]!.blink).toBeGreaterThan(0.95)
    for (const eye of [IMAGE_LEFT_EYE, IMAGE_RIGHT_EYE]) {
      const opening = landmarkRegion(portrait.landmarks!, [...eye.upperLid, ...eye.lowerLid], 0)
      const open = darkPixels(frames[0]!, 512, opening)
      expect(open).toBeGreaterThan(10)
      expect(darkPixels(frames[peak]!, 512, opening)).toBeLessThan(open * 0.5)
    }
    const mouth = landmarkRegion(portrait.landmarks!, [61, 291, 0, 17], 3)
    expect(meanAbsoluteDifference(frames[0]!, frames[peak]!, 512, mouth)).toBeLessThan(0.5)
    expect(Buffer.compare(frames.at(-1)!, frames[0]!)).toBe(0)
  })

  it('blink: the closed lid is skin over the eye, not a squeezed band with the white of the eye under it', async () => {
    const states = presetTimeline('blink', 24)
    const [open, closed] = await render([states[0]!, states[12]!])
    for (const eye of [IMAGE_LEFT_EYE, IMAGE_RIGHT_EYE]) {
      const opening = landmarkRegion(portrait.landmarks!, [...eye.upperLid, ...eye.lowerLid], 0)
      const white = whitePixels(open!, 512, opening)
      expect(white).toBeGreaterThan(3)
      expect(whitePixels(closed!, 512, opening)).toBeLessThanOrEqual(white * 0.5)
    }
  })

  it('gaze: the live photo glances aside and back, and the irises move within the eyes', async () => {
    expect(presetFace('live-photo', 0).pupilX).toBe(0)
    expect(presetFace('live-photo', 0.25).pupilX).toBeGreaterThan(0.2)
    expect(presetFace('live-photo', 71 / 72).pupilX).toBe(0)
    const [ahead, aside] = await render([NEUTRAL_FACE, { ...NEUTRAL_FACE, pupilX: presetFace('live-photo', 0.25).pupilX }])
    for (const eye of [IMAGE_LEFT_EYE, IMAGE_RIGHT_EYE]) {
      const opening = landmarkRegion(portrait.landmarks!, [...eye.upperLid, ...eye.lowerLid], 1)
      // The iris (the darkest pixels of the opening) moves towards the image's right by about half a pixel.
      expect(darkCentroidX(aside!, 512, opening) - darkCentroidX(ahead!, 512, opening)).toBeGreaterThan(0.3)
    }
  })

  it('smile: the teeth move as one piece (the inner mouth lifts without stretching) while the corners rise', () => {
    const vertexCount = portrait.mesh.xs.length
    const sourceX = new Float64Array(vertexCount)
    const sourceY = new Float64Array(vertexCount)
    portrait.deformer.sample({ ...NEUTRAL_FACE, smile: 0.9 }, 0, sourceX, sourceY)
    const landmarks = portrait.landmarks!
    // Where each landmark's point of the photo is drawn in the smiling frame: the backward map's
    // source moves opposite to the picture, so compare the sources with the rest positions.
    const shift = (landmark: number) => {
      // A landmark that fell on the same pixel as an earlier one shares its vertex.
      const x = Math.round(landmarks[landmark * 3]!)
      const y = Math.round(landmarks[landmark * 3 + 1]!)
      const vertex = portrait.mesh.xs.findIndex((vertexX, index) => vertexX === x && portrait.mesh.ys[index] === y)
      return [landmarks[landmark * 3]! - sourceX[vertex]!, landmarks[landmark * 3 + 1]! - sourceY[vertex]!] as const
    }
    // Every point inside the mouth opening (the teeth) makes the same move, up.
    const lips = innerLipOutline(landmarks)
    const teeth: Array<readonly [number, number]> = []
    portrait.mesh.xs.forEach((x, vertex) => {
      const y = portrait.mesh.ys[vertex]!
      if (portrait.mesh.landmarks[vertex]! < 0 && insideOutline(lips, x, y, 0.5)) teeth.push([x - sourceX[vertex]!, y - sourceY[vertex]!])
    })
    expect(teeth.length).toBeGreaterThan(10)
    for (const [x, y] of teeth) {
      expect(y).toBeLessThan(-0.3)
      expect(Math.abs(x - teeth[0]![0])).toBeLessThan(0.05)
      expect(Math.abs(y - teeth[0]![1])).toBeLessThan(0.05)
    }
    const teethLift = teeth[0]![1]
    // The outer corners (61, 291) rise more than the teeth and move outwards.
    const [left, right] = [shift(61), shift(291)]
    expect(left[1]).toBeLessThan(teethLift - 1)
    expect(right[1]).toBeLessThan(teethLift - 1)
    expect(left[0]).toBeLessThan(-0.5)
    expect(right[0]).toBeGreaterThan(0.5)
  })

  it('smile: the mouth corners move, the eyes barely', async () => {
    const [neutral, smiling] = await render([presetFace('smile', 0), presetFace('smile', 0.5)])
    const corners = [61, 291].map((index) => landmarkRegion(portrait.landmarks!, [index], 6))
    for (const corner of corners) expect(meanAbsoluteDifference(neutral!, smiling!, 512, corner)).toBeGreaterThan(5)
  })
})
