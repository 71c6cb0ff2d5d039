import type { ControlMesh } from './face-mesh.js'
import { CHEEKS, FACE_OVAL, IMAGE_LEFT_EYE, IMAGE_RIGHT_EYE, INNER_MOUTH_CORNERS, IRIS_GROUPS, MOUTH_CORNERS, type EyeRegion } from './face-regions.js'
import type { FaceState } from './motion-curves.js'
import { EYE_CORNER_REACH } from './eye-grid.js'
import { upperLashBand } from './lash-band.js'
import { drawLashLine } from './lash-line.js'
import { innerLipOutline, insideOutline } from './mouth-grid.js'

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
  /** Thickness of the lash line at the upper lid's edge. */
  readonly lash: number
  /** Thickness of the dark band along the open upper lid's edge in the photo (`upperLashBand`). */
  readonly lashBand: number
  /** Mean depth of the lid landmarks. */
  readonly depth: number
  /** The middle of the lower lid, in pixels. */
  readonly lowerMiddleX: number
  readonly lowerMiddleY: number
  readonly browX: number
  readonly browY: number
  /** Vertices that move with the iris of this eye (none when the iris was not found), and how much each follows it (0..1). */
  readonly irisVertices: readonly number[]
  readonly irisWeights: readonly number[]
  /** Whether it is the eye on the image's right (the one `wink` closes). */
  readonly imageRight: boolean
}

/** Closure from which the lash line is drawn over the lid's edge (fully drawn when closed). */
const LASH_FROM = 0.5
/**
 * Where a closed lid's edge comes to rest, between the lower lid's landmarks (0) and the lid's
 * margin below them (1): Human's lower-lid points sit a little above the margin, and a lid that
 * stops at them leaves a sliver of the eye showing.
 */
const LID_PAST_LOWER = 1
/** How far below the lower-lid landmarks the lid's margin is, in eye widths (where a closed lid's edge rests). */
const LID_MARGIN = 0.08
/**
 * Half the drawn lash line's thickness, in lash thicknesses (`EyeFrame.lash`): 0.75, a line about
 * 1.8 px thick on a 17 px eye. A thinner, lighter line reads, on a dark photo or a painting, as
 * the lower edge of an eye still open (Human's lids stayed 2-3 px apart).
 */
const LASH_HALF_WIDTH = 0.75
/**
 * The lash line's colour relative to the darkest third of the pixels just above the upper lid:
 * lashes seen edge-on are darker than that average, which mixes in the lid's shadow and skin.
 */
const LASH_DARKENING = 0.5
/** Radius of the eyeball in eye widths (corner to corner). */
const EYEBALL_RADIUS = 0.4
/** How far the head rises at the top of a breath, in face widths. */
const BREATH_RISE = 0.005
/** How far below the face centre the head's pivot (the top of the neck) sits, in face widths. */
const NECK_PIVOT_DOWN = 0.45
/** How far behind the face outline the pivot sits, in face widths. */
const NECK_PIVOT_BACK = 0.25

/** Computes, for a face state, where each mesh vertex samples the photo from. */
export interface Deformer {
  /** Fills `sourceX`/`sourceY` (one entry per mesh vertex) for `state` at clip time `time` (0..1). */
  sample(state: FaceState, time: number, sourceX: Float64Array, sourceY: Float64Array): void
  /** Draws what the warp cannot (a closed eye's lash line) over the frame of the last `sample`. */
  paint?(frame: Uint8Array, width: number, height: number): void
}

/** The photo the rig reads colours from (RGBA, output size). */
export interface RigPhoto {
  readonly data: Uint8Array
  readonly width: number
  readonly height: number
}

/**
 * The face rig: head rotation in 3D around a pivot behind the face, smile at the mouth corners,
 * eyelids that close over the eye, brows, and irises. It works as a backward map: every vertex of
 * the (fixed) output mesh is given the photo position it shows, so the warp is continuous by
 * construction and never opens seams.
 */
export function createFaceRig(mesh: ControlMesh, landmarks: Float64Array, photo?: RigPhoto): Deformer {
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
  // The head's own roll in the photo (from the eye corners): it nods and turns about its own axes.
  const headRoll = Math.atan2(landmarks[263 * 3 + 1]! - landmarks[33 * 3 + 1]!, landmarks[263 * 3]! - landmarks[33 * 3]!)
  // The head turns about the top of the neck: below the face centre along the head's own down
  // direction, behind the face. All in face widths, so every face moves by the same fraction.
  const pivotX = centerX - Math.sin(headRoll) * NECK_PIVOT_DOWN * faceWidth
  const pivotY = centerY + Math.cos(headRoll) * NECK_PIVOT_DOWN * faceWidth
  const pivotZ = maxZ + NECK_PIVOT_BACK * faceWidth

  const eyes = [IMAGE_LEFT_EYE, IMAGE_RIGHT_EYE].map((region, index) => eyeFrame(region, index === 1, point, mesh, landmarks, photo))
  const [leftCorner, rightCorner] = MOUTH_CORNERS.map(point) as [[number, number, number], [number, number, number]]
  const [leftInner, rightInner] = INNER_MOUTH_CORNERS.map(point) as [[number, number, number], [number, number, number]]
  const innerCenterX = (leftInner[0] + rightInner[0]) / 2
  const innerCenterY = (leftInner[1] + rightInner[1]) / 2
  const innerWidth = Math.hypot(rightInner[0] - leftInner[0], rightInner[1] - leftInner[1])
  const mouthWidth = Math.max(1, Math.hypot(rightCorner[0] - leftCorner[0], rightCorner[1] - leftCorner[1]))
  const mouthAxisX = (rightCorner[0] - leftCorner[0]) / mouthWidth
  const mouthAxisY = (rightCorner[1] - leftCorner[1]) / mouthWidth
  // "Up" for the mouth is perpendicular to its axis, towards the eyes.
  const upX = mouthAxisY
  const upY = -mouthAxisX
  const cheeks = CHEEKS.map(point)

  const { xs, ys, zs, weights } = mesh
  const vertexCount = xs.length
  // Vertices inside the mouth opening (teeth): they move as one piece with the inner mouth.
  const lips = innerLipOutline(landmarks)
  const mouthInterior = Uint8Array.from(xs, (x, vertex) => (mesh.landmarks[vertex]! < 0 && insideOutline(lips, x, ys[vertex]!, 0.5) ? 1 : 0))
  const innerForward = new Float64Array(2)
  // Per eye, for the lash line: the head's shift at the eye in the last frame, and its lid colour.
  const eyeShift = new Float64Array(eyes.length * 2)
  const lashColours = eyes.map((eye) => lashColour(eye, photo))
  // Pushes of the current frame: centre x, y, forward push x, y, Gaussian width, and the radius of
  // a plateau around the centre that moves as one piece.
  const pushes: number[] = []
  const closures = new Float64Array(eyes.length)
  const irisShift = new Float64Array(2)
  const expression = new Float64Array(2)

  return {
    paint,
    sample(state, _time, sourceX, sourceY) {
      pushes.length = 0
      innerForward.fill(0)
      // Smile: the mouth corners out and up (down and slightly in for a frown) with the cheeks
      // raised; the inner mouth (lips' inner edge, teeth) lifted as one piece, not stretched.
      const smile = state.smile
      if (smile !== 0) {
        const out = smile > 0 ? 0.07 * smile : 0.03 * smile
        const lift = smile > 0 ? 0.11 * smile : 0.09 * smile
        for (const [x, y, side] of [
          [leftCorner[0], leftCorner[1], -1],
          [rightCorner[0], rightCorner[1], 1],
        ] as const) {
          const forwardX = (side * mouthAxisX * out + upX * lift) * mouthWidth * 0.5
          const forwardY = (side * mouthAxisY * out + upY * lift) * mouthWidth * 0.5
          pushes.push(x, y, forwardX, forwardY, 0.16 * mouthWidth, 0)
        }
        const innerLift = 0.3 * lift * mouthWidth * 0.5
        innerForward[0] = upX * innerLift
        innerForward[1] = upY * innerLift
        pushes.push(innerCenterX, innerCenterY, innerForward[0], innerForward[1], 0.1 * mouthWidth, 0.5 * innerWidth)
        if (smile > 0) {
          for (const cheek of cheeks) pushes.push(cheek[0], cheek[1], upX * 0.06 * smile * mouthWidth, upY * 0.06 * smile * mouthWidth, 0.4 * mouthWidth, 0)
          // The cheek raise lifts the lower lids a little.
          for (const eye of eyes) {
            const raise = 0.15 * eye.opening * smile
            pushes.push(eye.lowerMiddleX, eye.lowerMiddleY, eye.axisY * raise, -eye.axisX * raise, 0.35 * eye.length, 0)
          }
        }
      }
      // Eyebrows: raised or lowered, the skin around them following.
      if (state.eyebrow !== 0) {
        for (const eye of eyes) {
          const raise = 0.28 * eye.length * state.eyebrow
          pushes.push(eye.browX, eye.browY, eye.axisY * raise, -eye.axisX * raise, 0.6 * eye.length, 0)
        }
      }
      // A smile narrows the eyes a little. Opening wider than the photo can only stretch the eye, so -1 opens it by a modest 40 %.
      const squint = Math.max(0, smile) * 0.08
      const blink = state.blink < 0 ? 0.4 * state.blink : state.blink
      eyes.forEach((eye, index) => {
        closures[index] = Math.max(-0.4, Math.min(1, blink + squint + (eye.imageRight ? state.wink : 0)))
      })

      const rotation = inverseRotation(state, headRoll)
      // Breathing lifts the head (and, through the weights, the neck): the photo is sampled from
      // below along the head's own down direction.
      const rise = BREATH_RISE * faceWidth * state.breath
      const riseX = -Math.sin(headRoll) * rise
      const riseY = Math.cos(headRoll) * rise
      eyes.forEach((eye, index) => {
        const centerX = eye.originX + 0.5 * eye.length * eye.axisX
        const centerY = eye.originY + 0.5 * eye.length * eye.axisY
        const dx = centerX - pivotX
        const dy = centerY - pivotY
        const dz = eye.depth - pivotZ
        eyeShift[index * 2] = rotation[0]! * dx + rotation[1]! * dy + rotation[2]! * dz + pivotX + riseX - centerX
        eyeShift[index * 2 + 1] = rotation[3]! * dx + rotation[4]! * dy + rotation[5]! * dz + pivotY + riseY - centerY
      })
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
        const rotatedX = rotation[0]! * dx + rotation[1]! * dy + rotation[2]! * dz + pivotX + riseX
        const rotatedY = rotation[3]! * dx + rotation[4]! * dy + rotation[5]! * dz + pivotY + riseY
        // Where the head puts this vertex on the face as photographed; the expression is applied
        // there, in the head's own frame, not where the vertex was at rest.
        const headX = x + weight * (rotatedX - x)
        const headY = y + weight * (rotatedY - y)
        if (mouthInterior[vertex] === 1) {
          sourceX[vertex] = headX - innerForward[0]!
          sourceY[vertex] = headY - innerForward[1]!
          continue
        }
        expressionAt(headX, headY, expression)
        sourceX[vertex] = headX + expression[0]!
        sourceY[vertex] = headY + expression[1]!
      }
      // Irises: move within the eye opening, where the gaze points, and against the head's turn and
      // nod so the eyes keep looking at the camera while the head moves (an eyeball's radius is
      // about 0.4 of the eye's width: a turn of the head by an angle moves the iris by that much).
      const radians = Math.PI / 180
      for (const eye of eyes) {
        const along = 0.18 * eye.length * state.pupilX - EYEBALL_RADIUS * eye.length * Math.sin(state.yaw * radians)
        const down = -0.12 * eye.length * state.pupilY + EYEBALL_RADIUS * eye.length * Math.sin(state.pitch * radians)
        if (along === 0 && down === 0) continue
        irisShift[0] = eye.axisX * along - eye.axisY * down
        irisShift[1] = eye.axisY * along + eye.axisX * down
        eye.irisVertices.forEach((vertex, index) => {
          const follow = eye.irisWeights[index]!
          sourceX[vertex] = sourceX[vertex]! - irisShift[0]! * follow
          sourceY[vertex] = sourceY[vertex]! - irisShift[1]! * follow
        })
      }
    },
  }

  /**
   * Draws the lash line along the edge of each closing lid (from half closed, fully at closed):
   * the warp alone shows the edge through one row of mesh points, where bits of the eye's white
   * still show between them.
   */
  function paint(frame: Uint8Array, width: number, height: number): void {
    eyes.forEach((eye, index) => {
      const closure = closures[index]!
      if (closure <= LASH_FROM) return
      const amount = Math.min(1, (closure - LASH_FROM) / (1 - LASH_FROM))
      const opacity = amount * amount * (3 - 2 * amount)
      const points: number[] = []
      const steps = Math.max(4, Math.ceil(eye.length / 1.5))
      for (let step = 1; step < steps; step++) {
        const u = -EYE_CORNER_REACH + ((1 + 2 * EYE_CORNER_REACH) * step) / steps
        const edge = lidEdge(eye, closure, u)
        if (edge === undefined) continue
        points.push(
          eye.originX + u * eye.length * eye.axisX - edge * eye.axisY - eyeShift[index * 2]!,
          eye.originY + u * eye.length * eye.axisY + edge * eye.axisX - eyeShift[index * 2 + 1]!,
        )
      }
      drawLashLine(frame, width, height, Float64Array.from(points), Math.max(0.4, LASH_HALF_WIDTH * eye.lash), lashColours[index]!, opacity)
    })
  }

  /** The backward displacement of this frame's expression at photo point (x, y), into `out`. */
  function expressionAt(x: number, y: number, out: Float64Array): void {
    let shiftX = 0
    let shiftY = 0
    for (let index = 0; index < pushes.length; index += 6) {
      const sigma = pushes[index + 4]!
      const distance = Math.max(0, Math.hypot(x - pushes[index]!, y - pushes[index + 1]!) - pushes[index + 5]!) ** 2
      if (distance > 9 * sigma * sigma) continue
      const falloff = Math.exp(-distance / (2 * sigma * sigma))
      shiftX -= pushes[index + 2]! * falloff
      shiftY -= pushes[index + 3]! * falloff
    }
    for (let index = 0; index < eyes.length; index++) {
      const closure = closures[index]!
      if (closure === 0) continue
      const eye = eyes[index]!
      const shift = eyelidShift(eye, closure, x + shiftX, y + shiftY)
      shiftX -= eye.axisY * shift
      shiftY += eye.axisX * shift
    }
    out[0] = shiftX
    out[1] = shiftY
  }
}

/**
 * How far (along the eye's `v`, down positive) the point (x, y) samples from when the upper lid
 * moves towards the lower one (`closure` 1 = closed). Closing, the lid is built from the skin above
 * the upper lid, stretched down, with the lash line kept at its own thickness at the lid's edge;
 * below the edge the eye is left where it is, so the lid covers the iris and the sclera instead of
 * squeezing them into a band. Opening wider (negative `closure`) stretches the opening a little.
 * Both maps are monotone, so the lid never folds.
 */
function eyelidShift(eye: EyeFrame, closure: number, x: number, y: number): number {
  const relativeX = x - eye.originX
  const relativeY = y - eye.originY
  const u = (relativeX * eye.axisX + relativeY * eye.axisY) / eye.length
  if (u <= -EYE_CORNER_REACH || u >= 1 + EYE_CORNER_REACH) return 0
  const v = -relativeX * eye.axisY + relativeY * eye.axisX
  const upper = lidAt(eye.upper, u)
  const lower = lidAt(eye.lower, u)
  if (lower <= upper) return 0
  // The landmarks of the lower lid tend to sit a little above its margin: close slightly past them.
  const bottom = lower + eye.margin * Math.min(1, (lower - upper) / eye.opening)
  const top = upper - eye.skin
  if (v <= top || v >= bottom) return 0
  if (closure < 0) {
    const openedUpper = upper + closure * 0.6 * (lower - upper)
    const sourceV = v <= openedUpper ? top + ((v - top) * (upper - top)) / (openedUpper - top) : upper + ((v - openedUpper) * (bottom - upper)) / (bottom - openedUpper)
    return sourceV - v
  }
  const edge = upper + closure * (lower + LID_PAST_LOWER * (bottom - lower) - upper)
  if (v > edge) return 0
  // The dark band along the upper lid's edge (lashes, lid shadow) is squeezed into the lash line's
  // thickness as the lid closes, not stretched down with the skin above it.
  const band = Math.min(eye.lashBand, 0.6 * eye.skin)
  const lash = band + (Math.min(eye.lash, 0.5 * eye.skin) - band) * closure
  // Skin above the band stretched over the eye; the band moved down with the edge and thinned to the lash line.
  const sourceV = v <= edge - lash ? top + ((v - top) * (upper - band - top)) / (edge - lash - top) : upper - band + ((v - edge + lash) * band) / lash
  return sourceV - v
}

/** Where (the eye's `v`) the closing upper lid's edge is at `u`, or undefined where the eye has no opening. */
function lidEdge(eye: EyeFrame, closure: number, u: number): number | undefined {
  const upper = lidAt(eye.upper, u)
  const lower = lidAt(eye.lower, u)
  if (lower <= upper) return undefined
  const bottom = lower + eye.margin * Math.min(1, (lower - upper) / eye.opening)
  return upper + closure * (lower + LID_PAST_LOWER * (bottom - lower) - upper)
}

/** The colour of the lash line: the darkest third of the pixels just above the upper lid's landmarks, darkened by `LASH_DARKENING`. */
function lashColour(eye: EyeFrame, photo: RigPhoto | undefined): [number, number, number] {
  if (photo === undefined) return [20, 15, 14]
  const samples: Array<[number, number, number, number]> = []
  for (let step = 1; step < 12; step++) {
    const u = step / 12
    const upper = interpolate(eye.upper, u)
    for (const v of [upper - 1, upper - 0.5, upper]) {
      const x = Math.round(eye.originX + u * eye.length * eye.axisX - v * eye.axisY)
      const y = Math.round(eye.originY + u * eye.length * eye.axisY + v * eye.axisX)
      if (x < 0 || y < 0 || x >= photo.width || y >= photo.height) continue
      const offset = (y * photo.width + x) * 4
      const [red, green, blue] = [photo.data[offset]!, photo.data[offset + 1]!, photo.data[offset + 2]!]
      samples.push([0.299 * red + 0.587 * green + 0.114 * blue, red, green, blue])
    }
  }
  if (samples.length === 0) return [20, 15, 14]
  samples.sort((first, second) => first[0] - second[0])
  const darkest = samples.slice(0, Math.max(1, Math.floor(samples.length / 3)))
  return [0, 1, 2].map((channel) => (LASH_DARKENING * darkest.reduce((sum, sample) => sum + sample[channel + 1]!, 0)) / darkest.length) as [number, number, number]
}

function eyeFrame(
  region: EyeRegion,
  imageRight: boolean,
  point: (landmark: number) => [number, number, number],
  mesh: ControlMesh,
  landmarks: Float64Array,
  photo: RigPhoto | undefined,
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
  const upper = contour(region.upperLid)
  const lower = contour(region.lowerLid)
  let opening = 0
  for (let u = 0.3; u <= 0.7; u += 0.1) opening = Math.max(opening, interpolate(lower, u) - interpolate(upper, u))
  // The iris slides with the vertices inside the opening near its centre (the eye grid of
  // buildControlMesh puts several there), fully at the centre and not at all at the lids.
  const irisVertices: number[] = []
  const irisWeights: number[] = []
  if (irisCenter !== undefined) {
    const [irisX, irisY] = point(irisCenter)
    const radius = 0.45 * length
    for (let vertex = 0; vertex < mesh.xs.length; vertex++) {
      const distance = Math.hypot(mesh.xs[vertex]! - irisX, mesh.ys[vertex]! - irisY)
      if (distance >= radius || mesh.weights[vertex]! === 0) continue
      const relativeX = mesh.xs[vertex]! - originX
      const relativeY = mesh.ys[vertex]! - originY
      const u = (relativeX * axisX + relativeY * axisY) / length
      const v = -relativeX * axisY + relativeY * axisX
      if (u <= 0 || u >= 1 || v <= interpolate(upper, u) || v >= interpolate(lower, u)) continue
      irisVertices.push(vertex)
      irisWeights.push(1 - (distance / radius) ** 2)
    }
  }
  const browV = -(browX - originX) * axisY + (browY - originY) * axisX
  const upperMiddle = interpolate(upper, 0.5)
  // The skin band reaches most of the way up to the brow, no further, so the brow stays still.
  const skin = Math.max(1, Math.min(0.5 * length, 0.6 * (upperMiddle - browV)))
  const lash = 0.07 * length
  const axes = { originX, originY, axisX, axisY, length }
  return {
    originX,
    originY,
    axisX,
    axisY,
    length,
    upper,
    lower,
    skin,
    opening: Math.max(1, opening),
    margin: LID_MARGIN * length,
    lash,
    lashBand: photo === undefined ? lash : upperLashBand(photo, axes, (u) => interpolate(upper, u), skin),
    depth: [...region.upperLid, ...region.lowerLid].reduce((sum, landmark) => sum + point(landmark)[2], 0) / (region.upperLid.length + region.lowerLid.length),
    lowerMiddleX: originX + 0.5 * length * axisX - interpolate(lower, 0.5) * axisY,
    lowerMiddleY: originY + 0.5 * length * axisY + interpolate(lower, 0.5) * axisX,
    browX,
    browY,
    irisVertices,
    irisWeights,
    imageRight,
  }
}

/**
 * A lid contour at `u`, widened by `EYE_CORNER_REACH` past each corner landmark: the eye's dark
 * corners (lashes, the caruncle) reach past Human's corner points, and a lid that stops at them
 * leaves those corners showing, which still reads as an open eye.
 */
function lidAt(contour: Float64Array, u: number): number {
  return interpolate(contour, (u + EYE_CORNER_REACH) / (1 + 2 * EYE_CORNER_REACH))
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
 * roll (about the view axis) after pitch (about x) after yaw (about y), in the head's own frame
 * (its x along the eye line, tilted by `headRoll` radians in the photo; y down, z away from the
 * camera), so a tilted head nods along its own axis.
 */
function inverseRotation(state: FaceState, headRoll: number): Float64Array {
  const radians = Math.PI / 180
  const yaw = -state.yaw * radians
  const pitch = -state.pitch * radians
  const roll = state.roll * radians
  const yawMatrix = [Math.cos(yaw), 0, Math.sin(yaw), 0, 1, 0, -Math.sin(yaw), 0, Math.cos(yaw)]
  const pitchMatrix = [1, 0, 0, 0, Math.cos(pitch), -Math.sin(pitch), 0, Math.sin(pitch), Math.cos(pitch)]
  const rollMatrix = [Math.cos(roll), -Math.sin(roll), 0, Math.sin(roll), Math.cos(roll), 0, 0, 0, 1]
  const toPhoto = [Math.cos(headRoll), -Math.sin(headRoll), 0, Math.sin(headRoll), Math.cos(headRoll), 0, 0, 0, 1]
  const toHead = [Math.cos(headRoll), Math.sin(headRoll), 0, -Math.sin(headRoll), Math.cos(headRoll), 0, 0, 0, 1]
  const forward = multiply(toPhoto, multiply(rollMatrix, multiply(pitchMatrix, multiply(yawMatrix, toHead))))
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
