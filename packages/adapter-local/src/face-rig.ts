import type { ControlMesh } from './face-mesh.js'
import { CHEEKS, FACE_OVAL, IMAGE_LEFT_EYE, IMAGE_RIGHT_EYE, INNER_MOUTH_CORNERS, IRIS_GROUPS, MOUTH_CORNERS, type EyeRegion } from './face-regions.js'
import type { FaceState } from './motion-curves.js'

/** One eye measured in its own frame: `u` runs from corner to corner (0..1), `v` points down across it. */
interface EyeFrame {
  readonly originX: number
  readonly originY: number
  readonly axisX: number
  readonly axisY: number
  readonly length: number
  /** Lid contours as (u, v) pairs sorted by u. */
  readonly upper: Float64Array
  readonly lower: Float64Array
  /** Height of the band of lid skin above the upper lid that stretches down when the eye closes. */
  readonly skin: number
  /** Widest opening between the lids. */
  readonly opening: number
  /** How far below the lower-lid landmarks a closed lid reaches (at the widest point). */
  readonly margin: number
  readonly browX: number
  readonly browY: number
  /** Vertex index of the iris centre of this eye (none when the iris was not found). */
  readonly irisVertices: readonly number[]
  /** Whether it is the eye on the image's right (the one `wink` closes). */
  readonly imageRight: boolean
}

/** Computes, for a face state, where each mesh vertex samples the photo from. */
export interface Deformer {
  /** Fills `sourceX`/`sourceY` (one entry per mesh vertex) for `state` at clip time `time` (0..1). */
  sample(state: FaceState, time: number, sourceX: Float64Array, sourceY: Float64Array): void
}

/**
 * The face rig: head rotation in 3D around a pivot behind the face, smile at the mouth corners,
 * eyelids that close over the eye, brows, and irises. It works as a backward map: every vertex of
 * the (fixed) output mesh is given the photo position it shows, so the warp is continuous by
 * construction and never opens seams.
 */
export function createFaceRig(mesh: ControlMesh, landmarks: Float64Array): Deformer {
  const point = (landmark: number): [number, number, number] => [landmarks[landmark * 3]!, landmarks[landmark * 3 + 1]!, landmarks[landmark * 3 + 2]!]
  let minX = Infinity
  let maxX = -Infinity
  let centerX = 0
  let centerY = 0
  let maxZ = -Infinity
  for (const landmark of FACE_OVAL) {
    const [x, y, z] = point(landmark)
    minX = Math.min(minX, x)
    maxX = Math.max(maxX, x)
    centerX += x
    centerY += y
    maxZ = Math.max(maxZ, z)
  }
  centerX /= FACE_OVAL.length
  centerY /= FACE_OVAL.length
  const faceWidth = Math.max(1, maxX - minX)
  // The head turns about a point behind the face, a little below its centre (towards the neck).
  const pivotX = centerX
  const pivotY = centerY + 0.15 * faceWidth
  const pivotZ = maxZ + 0.35 * faceWidth

  const eyes = [IMAGE_LEFT_EYE, IMAGE_RIGHT_EYE].map((region, index) => eyeFrame(region, index === 1, point, mesh, landmarks))
  const [leftCorner, rightCorner] = MOUTH_CORNERS.map(point) as [[number, number, number], [number, number, number]]
  const [leftInner, rightInner] = INNER_MOUTH_CORNERS.map(point) as [[number, number, number], [number, number, number]]
  const mouthWidth = Math.max(1, Math.hypot(rightCorner[0] - leftCorner[0], rightCorner[1] - leftCorner[1]))
  const mouthAxisX = (rightCorner[0] - leftCorner[0]) / mouthWidth
  const mouthAxisY = (rightCorner[1] - leftCorner[1]) / mouthWidth
  // "Up" for the mouth is perpendicular to its axis, towards the eyes.
  const upX = mouthAxisY
  const upY = -mouthAxisX
  const cheeks = CHEEKS.map(point)

  const { xs, ys, zs, weights } = mesh
  const vertexCount = xs.length
  const expressionX = new Float64Array(vertexCount)
  const expressionY = new Float64Array(vertexCount)

  return {
    sample(state, _time, sourceX, sourceY) {
      expressionX.fill(0)
      expressionY.fill(0)
      // Smile: mouth corners out and up (down and slightly in for a frown), cheeks lifted a little.
      const smile = state.smile
      if (smile !== 0) {
        const out = smile > 0 ? 0.09 * smile : 0.03 * smile
        const lift = smile > 0 ? 0.11 * smile : 0.09 * smile
        const corners: Array<[number, number, number]> = [
          [leftCorner[0], leftCorner[1], -1],
          [rightCorner[0], rightCorner[1], 1],
          [leftInner[0], leftInner[1], -1],
          [rightInner[0], rightInner[1], 1],
        ]
        for (const [x, y, side] of corners) {
          const forwardX = (side * mouthAxisX * out + upX * lift) * mouthWidth * 0.5
          const forwardY = (side * mouthAxisY * out + upY * lift) * mouthWidth * 0.5
          pushGaussian(x, y, forwardX, forwardY, 0.22 * mouthWidth)
        }
        if (smile > 0) {
          for (const cheek of cheeks) pushGaussian(cheek[0], cheek[1], upX * 0.05 * smile * mouthWidth, upY * 0.05 * smile * mouthWidth, 0.4 * mouthWidth)
        }
      }
      for (const eye of eyes) {
        // Eyebrows: raised or lowered, the skin around them following.
        if (state.eyebrow !== 0) {
          const raise = 0.28 * eye.length * state.eyebrow
          pushGaussian(eye.browX, eye.browY, eye.axisY * raise, -eye.axisX * raise, 0.6 * eye.length)
        }
        // Irises: move within the eye opening.
        if (state.pupilX !== 0 || state.pupilY !== 0) {
          const shiftX = 0.18 * eye.length * state.pupilX
          const shiftY = -0.12 * eye.length * state.pupilY
          for (const vertex of eye.irisVertices) {
            expressionX[vertex] = expressionX[vertex]! - shiftX
            expressionY[vertex] = expressionY[vertex]! - shiftY
          }
        }
      }
      // A smile narrows the eyes a little.
      const squint = Math.max(0, smile) * 0.15
      for (const eye of eyes) {
        // Opening wider than the photo can only stretch the eye, so -1 opens it by a modest 40 %.
        const blink = state.blink < 0 ? 0.4 * state.blink : state.blink
        const closure = Math.max(-0.4, Math.min(1, blink + squint + (eye.imageRight ? state.wink : 0)))
        if (closure !== 0) closeEyelid(eye, closure)
      }

      const rotation = inverseRotation(state)
      for (let vertex = 0; vertex < vertexCount; vertex++) {
        const weight = weights[vertex]!
        const x = xs[vertex]!
        const y = ys[vertex]!
        if (weight === 0) {
          sourceX[vertex] = x
          sourceY[vertex] = y
          continue
        }
        const dx = x - pivotX
        const dy = y - pivotY
        const dz = zs[vertex]! - pivotZ
        const rotatedX = rotation[0]! * dx + rotation[1]! * dy + rotation[2]! * dz + pivotX
        const rotatedY = rotation[3]! * dx + rotation[4]! * dy + rotation[5]! * dz + pivotY
        sourceX[vertex] = x + weight * (rotatedX - x) + expressionX[vertex]!
        sourceY[vertex] = y + weight * (rotatedY - y) + expressionY[vertex]!
      }
    },
  }

  /** Adds the backward displacement of a forward push at (x, y), fading with a Gaussian of width `sigma`. */
  function pushGaussian(x: number, y: number, forwardX: number, forwardY: number, sigma: number): void {
    const limit = 9 * sigma * sigma
    const scale = -1 / (2 * sigma * sigma)
    for (let vertex = 0; vertex < vertexCount; vertex++) {
      if (weights[vertex] === 0) continue
      const distance = (xs[vertex]! - x) ** 2 + (ys[vertex]! - y) ** 2
      if (distance > limit) continue
      const falloff = Math.exp(distance * scale)
      expressionX[vertex] = expressionX[vertex]! - forwardX * falloff
      expressionY[vertex] = expressionY[vertex]! - forwardY * falloff
    }
  }

  /**
   * Moves the upper lid towards the lower one (`closure` 1 = closed). The band of lid skin above
   * the eye stretches down and the opening is squeezed under it; both maps are monotone, so the
   * lid never folds over itself.
   */
  function closeEyelid(eye: EyeFrame, closure: number): void {
    for (let vertex = 0; vertex < vertexCount; vertex++) {
      if (weights[vertex] === 0) continue
      const relativeX = xs[vertex]! - eye.originX
      const relativeY = ys[vertex]! - eye.originY
      const u = (relativeX * eye.axisX + relativeY * eye.axisY) / eye.length
      if (u <= 0 || u >= 1) continue
      const v = -relativeX * eye.axisY + relativeY * eye.axisX
      const upper = interpolate(eye.upper, u)
      const lower = interpolate(eye.lower, u)
      if (lower <= upper) continue
      // The landmarks of the lower lid tend to sit a little above its margin: close slightly past them.
      const bottom = lower + eye.margin * Math.min(1, (lower - upper) / eye.opening)
      const top = upper - eye.skin
      if (v <= top || v >= bottom) continue
      const closedUpper = closure > 0 ? upper + closure * (lower + 0.5 * (bottom - lower) - upper) : upper + closure * 0.6 * (lower - upper)
      let sourceV: number
      if (v <= closedUpper) sourceV = top + ((v - top) * (upper - top)) / (closedUpper - top)
      else sourceV = bottom - closedUpper < 1e-6 ? upper : upper + ((v - closedUpper) * (bottom - upper)) / (bottom - closedUpper)
      const shift = sourceV - v
      expressionX[vertex] = expressionX[vertex]! - eye.axisY * shift
      expressionY[vertex] = expressionY[vertex]! + eye.axisX * shift
    }
  }
}

function eyeFrame(
  region: EyeRegion,
  imageRight: boolean,
  point: (landmark: number) => [number, number, number],
  mesh: ControlMesh,
  landmarks: Float64Array,
): EyeFrame {
  // The axis runs from the corner on the image's left to the one on its right, so `v` points down.
  let [originX, originY] = point(region.upperLid[0]!)
  let [endX, endY] = point(region.upperLid[region.upperLid.length - 1]!)
  if (endX < originX) [originX, originY, endX, endY] = [endX, endY, originX, originY]
  const length = Math.max(1, Math.hypot(endX - originX, endY - originY))
  const axisX = (endX - originX) / length
  const axisY = (endY - originY) / length
  const contour = (indices: readonly number[]): Float64Array => {
    const pairs = indices.map((landmark) => {
      const [x, y] = point(landmark)
      return [((x - originX) * axisX + (y - originY) * axisY) / length, -(x - originX) * axisY + (y - originY) * axisX] as const
    })
    pairs.sort((first, second) => first[0] - second[0])
    return Float64Array.from(pairs.flat())
  }
  let browX = 0
  let browY = 0
  for (const landmark of region.brow) {
    const [x, y] = point(landmark)
    browX += x / region.brow.length
    browY += y / region.brow.length
  }
  const eyeCenterX = (originX + endX) / 2
  const eyeCenterY = (originY + endY) / 2
  const pointCount = landmarks.length / 3
  // The iris group whose centre lies nearest this eye.
  const irisCenter = [...IRIS_GROUPS]
    .filter((group) => group[0] < pointCount)
    .sort((first, second) => {
      const [firstX, firstY] = point(first[0])
      const [secondX, secondY] = point(second[0])
      return Math.hypot(firstX - eyeCenterX, firstY - eyeCenterY) - Math.hypot(secondX - eyeCenterX, secondY - eyeCenterY)
    })[0]?.[0]
  // Only the iris centre is a mesh vertex (see buildControlMesh); moving it slides the iris.
  const irisVertices = irisCenter === undefined ? [] : [mesh.vertexOfLandmark[irisCenter] ?? -1].filter((vertex) => vertex >= 0)
  const upper = contour(region.upperLid)
  const lower = contour(region.lowerLid)
  let opening = 0
  for (let u = 0.3; u <= 0.7; u += 0.1) opening = Math.max(opening, interpolate(lower, u) - interpolate(upper, u))
  const browV = -(browX - originX) * axisY + (browY - originY) * axisX
  const upperMiddle = interpolate(upper, 0.5)
  return {
    originX,
    originY,
    axisX,
    axisY,
    length,
    upper,
    lower,
    // The skin band reaches most of the way up to the brow, no further, so the brow stays still.
    skin: Math.max(1, Math.min(0.5 * length, 0.6 * (upperMiddle - browV))),
    opening: Math.max(1, opening),
    margin: 0.08 * length,
    browX,
    browY,
    irisVertices,
    imageRight,
  }
}

/** Piecewise-linear value at `u` of (u, v) pairs sorted by u. */
function interpolate(pairs: Float64Array, u: number): number {
  for (let index = 2; index < pairs.length; index += 2) {
    const u1 = pairs[index]!
    if (u <= u1) {
      const u0 = pairs[index - 2]!
      const v0 = pairs[index - 1]!
      const v1 = pairs[index + 1]!
      return u1 - u0 < 1e-9 ? v1 : v0 + ((u - u0) * (v1 - v0)) / (u1 - u0)
    }
  }
  return pairs[pairs.length - 1]!
}

/**
 * The inverse (transpose) of the head rotation as a row-major 3x3 matrix. The forward rotation is
 * roll (about the view axis) after pitch (about x) after yaw (about y), in image coordinates
 * (x right, y down, z away from the camera).
 */
function inverseRotation(state: FaceState): Float64Array {
  const radians = Math.PI / 180
  const yaw = -state.yaw * radians
  const pitch = -state.pitch * radians
  const roll = state.roll * radians
  const yawMatrix = [Math.cos(yaw), 0, Math.sin(yaw), 0, 1, 0, -Math.sin(yaw), 0, Math.cos(yaw)]
  const pitchMatrix = [1, 0, 0, 0, Math.cos(pitch), -Math.sin(pitch), 0, Math.sin(pitch), Math.cos(pitch)]
  const rollMatrix = [Math.cos(roll), -Math.sin(roll), 0, Math.sin(roll), Math.cos(roll), 0, 0, 0, 1]
  const forward = multiply(rollMatrix, multiply(pitchMatrix, yawMatrix))
  return Float64Array.from([forward[0]!, forward[3]!, forward[6]!, forward[1]!, forward[4]!, forward[7]!, forward[2]!, forward[5]!, forward[8]!])
}

function multiply(first: readonly number[], second: readonly number[]): number[] {
  const product: number[] = []
  for (let row = 0; row < 3; row++) {
    for (let column = 0; column < 3; column++) {
      product.push(first[row * 3]! * second[column]! + first[row * 3 + 1]! * second[3 + column]! + first[row * 3 + 2]! * second[6 + column]!)
    }
  }
  return product
}
