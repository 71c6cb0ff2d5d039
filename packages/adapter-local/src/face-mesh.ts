import { delaunay } from './delaunay.js'
import { FACE_MESH_POINTS } from './face-landmarks.js'
import { eyeGridPoints } from './eye-grid.js'
import { mouthGridPoints } from './mouth-grid.js'
import { FACE_OVAL, IMAGE_LEFT_EYE, IMAGE_RIGHT_EYE, IRIS_GROUPS } from './face-regions.js'

const IRIS_CENTERS: readonly number[] = IRIS_GROUPS.map((group) => group[0])

/**
 * The control mesh of one portrait, in output pixels: the face landmarks, rings of points around
 * the face that follow the head with decreasing weight, and fixed points on (and beyond) the
 * image border so the background stays put.
 */
export interface ControlMesh {
  readonly width: number
  readonly height: number
  /** Rest positions (integers). */
  readonly xs: Float64Array
  readonly ys: Float64Array
  /** Depth of each vertex, negative towards the camera (same scale as x). */
  readonly zs: Float64Array
  /** How much of the head's motion a vertex follows: 1 on the face, less on the rings, 0 on the border. */
  readonly weights: Float64Array
  /** The landmark a vertex stands for, or -1 for ring and border points. */
  readonly landmarks: Int32Array
  /** Vertex index of each landmark (-1 when it merged with an earlier vertex at the same pixel). */
  readonly vertexOfLandmark: Int32Array
  /** Triangle vertex indices, three per triangle. */
  readonly triangles: Uint32Array
}

/** Rings around the face: how far out (times the face outline's distance from its centre) and how much they move. */
export const FACE_RINGS: ReadonlyArray<{ readonly scale: number; readonly weight: number }> = [
  { scale: 1.3, weight: 0.6 },
  { scale: 1.7, weight: 0.25 },
  { scale: 2.3, weight: 0 },
]

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
    let centerX = 0
    let centerY = 0
    for (const landmark of FACE_OVAL) {
      centerX += landmarks[landmark * 3]!
      centerY += landmarks[landmark * 3 + 1]!
    }
    centerX /= FACE_OVAL.length
    centerY /= FACE_OVAL.length
    for (const ring of FACE_RINGS) {
      for (const landmark of FACE_OVAL) {
        const x = Math.min(width, Math.max(0, centerX + (landmarks[landmark * 3]! - centerX) * ring.scale))
        const y = Math.min(height, Math.max(0, centerY + (landmarks[landmark * 3 + 1]! - centerY) * ring.scale))
        const onBorder = x <= 0 || y <= 0 || x >= width || y >= height
        add(x, y, landmarks[landmark * 3 + 2]!, onBorder ? 0 : ring.weight, -1)
      }
    }
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
