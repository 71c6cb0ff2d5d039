import { delaunay } from './delaunay.js'
import { FACE_MESH_POINTS } from './face-landmarks.js'
import { eyeGridPoints } from './eye-grid.js'
import { mouthGridPoints } from './mouth-grid.js'
import { FACE_OVAL, IMAGE_LEFT_EYE, IMAGE_RIGHT_EYE, IRIS_GROUPS } from './face-regions.js'

const IRIS_CENTERS: readonly number[] = IRIS_GROUPS.map((group) => group[0])

/**
 * The control mesh of one portrait, in output pixels: the face landmarks, the head layer's outline
 * (face and hair, moving rigidly with the head), its soft matte and the neck (see `HEAD_LAYER`), and
 * fixed points on (and beyond) the image border so the background stays put.
 */
export interface ControlMesh {
  readonly width: number
  readonly height: number
  /** Rest positions (integers). */
  readonly xs: Float64Array
  readonly ys: Float64Array
  /** Depth of each vertex, negative towards the camera (same scale as x). */
  readonly zs: Float64Array
  /** How much of the head's motion a vertex follows: 1 on the head layer, less down the neck, 0 on the matte's edge and the border. */
  readonly weights: Float64Array
  /** The landmark a vertex stands for, or -1 for grid, outline, matte and border points. */
  readonly landmarks: Int32Array
  /** Vertex index of each landmark (-1 when it merged with an earlier vertex at the same pixel). */
  readonly vertexOfLandmark: Int32Array
  /** Triangle vertex indices, three per triangle. */
  readonly triangles: Uint32Array
}

/**
 * The head layer: the face, the hair around it and the top of the neck move as one rigid piece,
 * inside an outline drawn from the face oval in the head's own frame (wider than the face, higher
 * above the eyes for the hair, down to the jaw), with a soft matte around it where the warp blends
 * into the still background. Below the chin the neck shears: its weight falls from the head's to
 * none over half a face width, instead of the chin pressing into a narrow band.
 */
export const HEAD_LAYER = {
  /** Outline scale (times the face oval's offset from its centre) across the face. */
  across: 1.3,
  /** Outline scale above the eye line (hair). */
  up: 1.45,
  /** Outline scale below the eye line (the jaw). */
  down: 1.02,
  /** Width of the soft matte beyond the outline, in face widths. */
  matte: 0.14,
  /** The neck under the chin: how far down its rows sit (face widths) and how much of the head's motion each follows. */
  neck: [
    { down: 0.22, weight: 0.55 },
    { down: 0.5, weight: 0 },
  ],
  /** Half the neck's width, in face widths: oval points below the mouth within it grow neck rows instead of a matte. */
  neckHalfWidth: 0.28,
} as const

/** Points per image side on the fixed border. */
const BORDER_STEPS = 8

/**
 * Builds the control mesh from landmarks given in output pixels (`x, y, z` triples).
 * Without landmarks it returns the border alone (every vertex fixed).
 */
export function buildControlMesh(width: number, height: number, landmarks?: Float64Array): ControlMesh {
  const xs: number[] = []
  const ys: number[] = []
  const zs: number[] = []
  const weights: number[] = []
  const landmarkOf: number[] = []
  const seen = new Map<number, number>()
  const key = (x: number, y: number): number => (y + 1_000_000) * 4_000_000 + (x + 1_000_000)
  const add = (x: number, y: number, z: number, weight: number, landmark: number): number => {
    const rx = Math.round(x)
    const ry = Math.round(y)
    const existing = seen.get(key(rx, ry))
    if (existing !== undefined) return existing
    const index = xs.length
    seen.set(key(rx, ry), index)
    xs.push(rx)
    ys.push(ry)
    zs.push(z)
    weights.push(weight)
    landmarkOf.push(landmark)
    return index
  }

  // Corners far outside the image seed the triangulation and enclose everything.
  const margin = Math.max(width, height)
  add(-margin, -margin, 0, 0, -1)
  add(width + margin, -margin, 0, 0, -1)
  add(width + margin, height + margin, 0, 0, -1)
  add(-margin, height + margin, 0, 0, -1)
  for (let step = 0; step <= BORDER_STEPS; step++) {
    const x = (width * step) / BORDER_STEPS
    const y = (height * step) / BORDER_STEPS
    add(x, 0, 0, 0, -1)
    add(x, height, 0, 0, -1)
    add(0, y, 0, 0, -1)
    add(width, y, 0, 0, -1)
  }

  const landmarkCount = landmarks === undefined ? 0 : landmarks.length / 3
  const vertexOfLandmark = new Int32Array(landmarkCount).fill(-1)
  if (landmarks !== undefined) {
    // Landmarks stay one pixel inside the border, which never moves.
    const insideX = (x: number): number => Math.min(width - 1, Math.max(1, x))
    const insideY = (y: number): number => Math.min(height - 1, Math.max(1, y))
    for (let landmark = 0; landmark < landmarkCount; landmark++) {
      // Of the iris points only the centres join the mesh: the rims touch the lids and would pin them open.
      if (landmark >= FACE_MESH_POINTS && !IRIS_CENTERS.includes(landmark)) continue
      const before = xs.length
      const vertex = add(insideX(landmarks[landmark * 3]!), insideY(landmarks[landmark * 3 + 1]!), landmarks[landmark * 3 + 2]!, 1, landmark)
      if (xs.length > before) vertexOfLandmark[landmark] = vertex
    }
    for (const eye of [IMAGE_LEFT_EYE, IMAGE_RIGHT_EYE]) {
      const grid = eyeGridPoints(landmarks, eye)
      for (let index = 0; index < grid.length; index += 3) add(insideX(grid[index]!), insideY(grid[index + 1]!), grid[index + 2]!, 1, -1)
    }
    const mouth = mouthGridPoints(landmarks)
    for (let index = 0; index < mouth.length; index += 3) add(insideX(mouth[index]!), insideY(mouth[index + 1]!), mouth[index + 2]!, 1, -1)
    addHeadLayer(landmarks, width, height, add)
  }

  return {
    width,
    height,
    xs: Float64Array.from(xs),
    ys: Float64Array.from(ys),
    zs: Float64Array.from(zs),
    weights: Float64Array.from(weights),
    landmarks: Int32Array.from(landmarkOf),
    vertexOfLandmark,
    triangles: delaunay(xs, ys),
  }
}

/**
 * Adds the head layer's outline (following the head fully), its soft matte (still) and the neck's
 * rows (see `HEAD_LAYER`) around the face of `landmarks`. Points on or beyond the image border
 * are fixed.
 */
function addHeadLayer(landmarks: Float64Array, width: number, height: number, add: (x: number, y: number, z: number, weight: number, landmark: number) => number): void {
  let centerX = 0
  let centerY = 0
  let minU = Infinity
  let maxU = -Infinity
  for (const landmark of FACE_OVAL) {
    centerX += landmarks[landmark * 3]! / FACE_OVAL.length
    centerY += landmarks[landmark * 3 + 1]! / FACE_OVAL.length
  }
  // The head's own axes, from the eye corners: a tilted head's outline is tilted with it.
  const roll = Math.atan2(landmarks[263 * 3 + 1]! - landmarks[33 * 3 + 1]!, landmarks[263 * 3]! - landmarks[33 * 3]!)
  const axisX = Math.cos(roll)
  const axisY = Math.sin(roll)
  const offsets = FACE_OVAL.map((landmark) => {
    const dx = landmarks[landmark * 3]! - centerX
    const dy = landmarks[landmark * 3 + 1]! - centerY
    const u = dx * axisX + dy * axisY
    minU = Math.min(minU, u)
    maxU = Math.max(maxU, u)
    return { u, v: -dx * axisY + dy * axisX, z: landmarks[landmark * 3 + 2]! }
  })
  const faceWidth = Math.max(1, maxU - minU)
  const mouthV = -(landmarks[13 * 3]! - centerX) * axisY + (landmarks[13 * 3 + 1]! - centerY) * axisX
  const place = (u: number, v: number, z: number, weight: number): void => {
    const x = centerX + u * axisX - v * axisY
    const y = centerY + u * axisY + v * axisX
    const clampedX = Math.min(width, Math.max(0, x))
    const clampedY = Math.min(height, Math.max(0, y))
    const onBorder = clampedX <= 0 || clampedY <= 0 || clampedX >= width || clampedY >= height
    add(clampedX, clampedY, z, onBorder ? 0 : weight, -1)
  }
  for (const { u, v, z } of offsets) {
    const outlineU = u * HEAD_LAYER.across
    const outlineV = v * (v < 0 ? HEAD_LAYER.up : HEAD_LAYER.down)
    place(outlineU, outlineV, z, 1)
    if (v > mouthV && Math.abs(u) < HEAD_LAYER.neckHalfWidth * faceWidth) {
      for (const row of HEAD_LAYER.neck) place(outlineU, outlineV + row.down * faceWidth, z, row.weight)
      continue
    }
    const radius = Math.max(1e-6, Math.hypot(outlineU, outlineV))
    const matte = HEAD_LAYER.matte * faceWidth
    place(outlineU + (outlineU / radius) * matte, outlineV + (outlineV / radius) * matte, z, 0)
  }
}
