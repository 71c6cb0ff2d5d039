import type { PixelBounds } from './rgba-to-i420.js'

/**
 * Piecewise-affine image warp over a fixed output mesh. Everything that depends only on the mesh
 * (which pixels each triangle covers, the inverse of each rest triangle) is computed once per
 * portrait; a frame then only computes one affine map per moving triangle and samples the photo
 * with a Catmull-Rom bicubic filter for the pixels those triangles cover (bilinear sampling blurs
 * whatever moves, so the still first frame flashed sharp at every loop; Catmull-Rom passes a pixel
 * through unchanged at whole-pixel positions and keeps fine detail at fractional ones). Pixels of
 * triangles that never move are copied once and left alone.
 */
export interface MeshWarp {
  readonly width: number
  readonly height: number
  /** Number of pixels redrawn per frame. */
  readonly movingPixels: number
  /** The smallest rectangle holding every pixel that can be redrawn; nothing outside it ever changes. */
  readonly bounds: PixelBounds
  /**
   * Draws one frame into `target` (RGBA, `width * height * 4`), given where each vertex samples
   * the photo. `target` must start as a copy of the photo (see `createFrameBuffer`): static pixels
   * are never written.
   */
  render(sourceX: Float64Array, sourceY: Float64Array, target: Uint8Array): void
  /** A new frame buffer holding the photo. */
  createFrameBuffer(): Uint8Array
}

/**
 * Prepares the warp of `photo` (RGBA) over a mesh whose rest positions are also the output
 * positions. Triangles are drawn only if `isMoving(vertex)` holds for one of their vertices.
 */
export function createMeshWarp(options: {
  readonly photo: Uint8Array
  readonly width: number
  readonly height: number
  readonly xs: Float64Array
  readonly ys: Float64Array
  readonly triangles: Uint32Array
  readonly isMoving: (vertex: number) => boolean
}): MeshWarp {
  const { photo, width, height, xs, ys, triangles } = options
  const moving: number[] = []
  for (let index = 0; index < triangles.length; index += 3) {
    if (options.isMoving(triangles[index]!) || options.isMoving(triangles[index + 1]!) || options.isMoving(triangles[index + 2]!)) moving.push(index / 3)
  }
  const triangleCount = moving.length
  // Per moving triangle: its corner vertices, the inverse of its rest edge matrix, and its spans.
  const corners = new Uint32Array(triangleCount * 3)
  const inverse = new Float64Array(triangleCount * 4)
  const spanStart = new Uint32Array(triangleCount + 1)
  const spans: number[] = []
  let movingPixels = 0
  moving.forEach((triangle, slot) => {
    const a = triangles[triangle * 3]!
    const b = triangles[triangle * 3 + 1]!
    const c = triangles[triangle * 3 + 2]!
    corners.set([a, b, c], slot * 3)
    const e1x = xs[b]! - xs[a]!
    const e1y = ys[b]! - ys[a]!
    const e2x = xs[c]! - xs[a]!
    const e2y = ys[c]! - ys[a]!
    const determinant = e1x * e2y - e2x * e1y
    spanStart[slot] = spans.length / 3
    if (determinant === 0) return
    inverse.set([e2y / determinant, -e2x / determinant, -e1y / determinant, e1x / determinant], slot * 4)
    movingPixels += rasterize(xs[a]!, ys[a]!, xs[b]!, ys[b]!, xs[c]!, ys[c]!, width, height, spans)
  })
  spanStart[triangleCount] = spans.length / 3
  const spanData = Int32Array.from(spans)
  const bounds = { left: width, top: height, right: 0, bottom: 0 }
  for (let index = 0; index < spanData.length; index += 3) {
    bounds.top = Math.min(bounds.top, spanData[index]!)
    bounds.bottom = Math.max(bounds.bottom, spanData[index]! + 1)
    bounds.left = Math.min(bounds.left, spanData[index + 1]!)
    bounds.right = Math.max(bounds.right, spanData[index + 2]!)
  }
  if (bounds.right <= bounds.left) Object.assign(bounds, { left: 0, top: 0, right: 0, bottom: 0 })

  return {
    width,
    height,
    movingPixels,
    bounds,
    createFrameBuffer: () => Uint8Array.from(photo),
    render(sourceX, sourceY, target) {
      for (let slot = 0; slot < triangleCount; slot++) {
        const first = spanStart[slot]!
        const last = spanStart[slot + 1]!
        if (first === last) continue
        const a = corners[slot * 3]!
        const b = corners[slot * 3 + 1]!
        const c = corners[slot * 3 + 2]!
        // Affine map from output (x, y) to photo (u, v): through the rest triangle's barycentric coordinates.
        const i00 = inverse[slot * 4]!
        const i01 = inverse[slot * 4 + 1]!
        const i10 = inverse[slot * 4 + 2]!
        const i11 = inverse[slot * 4 + 3]!
        const du1 = sourceX[b]! - sourceX[a]!
        const du2 = sourceX[c]! - sourceX[a]!
        const dv1 = sourceY[b]! - sourceY[a]!
        const dv2 = sourceY[c]! - sourceY[a]!
        const ux = du1 * i00 + du2 * i10
        const uy = du1 * i01 + du2 * i11
        const vx = dv1 * i00 + dv2 * i10
        const vy = dv1 * i01 + dv2 * i11
        const u0 = sourceX[a]! - ux * xs[a]! - uy * ys[a]!
        const v0 = sourceY[a]! - vx * xs[a]! - vy * ys[a]!
        for (let span = first; span < last; span++) {
          const y = spanData[span * 3]!
          const startX = spanData[span * 3 + 1]!
          const endX = spanData[span * 3 + 2]!
          // Pixel centres sit at +0.5; sample positions are in pixel-index space (-0.5).
          const centerY = y + 0.5
          let u = ux * (startX + 0.5) + uy * centerY + u0 - 0.5
          let v = vx * (startX + 0.5) + vy * centerY + v0 - 0.5
          let out = (y * width + startX) * 4
          for (let x = startX; x < endX; x++, u += ux, v += vx, out += 4) sampleCubic(photo, width, height, u, v, target, out)
        }
      }
    },
  }
}

/**
 * Appends the pixel spans `[y, startX, endX)` whose centres fall inside triangle (a, b, c), with a
 * top-left fill rule so that triangles sharing an edge never both claim a pixel.
 * @returns the number of pixels covered.
 */
function rasterize(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, width: number, height: number, spans: number[]): number {
  // Wind counter-clockwise in y-down coordinates (positive area with this sign convention).
  if ((bx - ax) * (cy - ay) - (by - ay) * (cx - ax) < 0) {
    ;[bx, by, cx, cy] = [cx, cy, bx, by]
  }
  const edges = [
    [ax, ay, bx, by],
    [bx, by, cx, cy],
    [cx, cy, ax, ay],
  ].map(([x0, y0, x1, y1]) => {
    const edgeX = x1! - x0!
    const edgeY = y1! - y0!
    // Of the two directions of a shared edge exactly one counts as top-left, so exactly one triangle owns its pixels.
    const topLeft = (edgeY === 0 && edgeX < 0) || edgeY < 0
    return { x0: x0!, y0: y0!, edgeX, edgeY, topLeft }
  })
  const minX = Math.max(0, Math.floor(Math.min(ax, bx, cx)))
  const maxX = Math.min(width - 1, Math.ceil(Math.max(ax, bx, cx)))
  const minY = Math.max(0, Math.floor(Math.min(ay, by, cy)))
  const maxY = Math.min(height - 1, Math.ceil(Math.max(ay, by, cy)))
  let covered = 0
  for (let y = minY; y <= maxY; y++) {
    const centerY = y + 0.5
    let runStart = -1
    for (let x = minX; x <= maxX + 1; x++) {
      let inside = x <= maxX
      if (inside) {
        const centerX = x + 0.5
        for (const edge of edges) {
          const value = edge.edgeX * (centerY - edge.y0) - edge.edgeY * (centerX - edge.x0)
          if (value < 0 || (value === 0 && !edge.topLeft)) {
            inside = false
            break
          }
        }
      }
      if (inside && runStart < 0) runStart = x
      if (!inside && runStart >= 0) {
        spans.push(y, runStart, x)
        covered += x - runStart
        runStart = -1
      }
    }
  }
  return covered
}

/**
 * Writes the colour of `photo` (RGBA) at pixel-index position (u, v) into `target` at `out`, with
 * a Catmull-Rom cubic in each direction (taps clamped to the image). Alpha is left as it is.
 */
function sampleCubic(photo: Uint8Array, width: number, height: number, u: number, v: number, target: Uint8Array, out: number): void {
  const maxColumn = width - 1
  const maxRow = height - 1
  const sampleX = u < 0 ? 0 : u > maxColumn ? maxColumn : u
  const sampleY = v < 0 ? 0 : v > maxRow ? maxRow : v
  const column = sampleX | 0
  const row = sampleY | 0
  const fx = sampleX - column
  const fy = sampleY - row
  // Catmull-Rom weights of the taps at -1, 0, 1, 2.
  const fx2 = fx * fx
  const fx3 = fx2 * fx
  const wx0 = 0.5 * (-fx3 + 2 * fx2 - fx)
  const wx1 = 0.5 * (3 * fx3 - 5 * fx2 + 2)
  const wx2 = 0.5 * (-3 * fx3 + 4 * fx2 + fx)
  const wx3 = 0.5 * (fx3 - fx2)
  const fy2 = fy * fy
  const fy3 = fy2 * fy
  const wy0 = 0.5 * (-fy3 + 2 * fy2 - fy)
  const wy1 = 0.5 * (3 * fy3 - 5 * fy2 + 2)
  const wy2 = 0.5 * (-3 * fy3 + 4 * fy2 + fy)
  const wy3 = 0.5 * (fy3 - fy2)
  const stride = width * 4
  if (column >= 1 && row >= 1 && column + 2 <= maxColumn && row + 2 <= maxRow) {
    // Inside the image (nearly every pixel): the 4x4 taps without clamping.
    let base = (row - 1) * stride + (column - 1) * 4
    for (let channel = 0; channel < 3; channel++, base++) {
      const a = base
      const b = a + stride
      const c = b + stride
      const d = c + stride
      const value =
        wy0 * (wx0 * photo[a]! + wx1 * photo[a + 4]! + wx2 * photo[a + 8]! + wx3 * photo[a + 12]!) +
        wy1 * (wx0 * photo[b]! + wx1 * photo[b + 4]! + wx2 * photo[b + 8]! + wx3 * photo[b + 12]!) +
        wy2 * (wx0 * photo[c]! + wx1 * photo[c + 4]! + wx2 * photo[c + 8]! + wx3 * photo[c + 12]!) +
        wy3 * (wx0 * photo[d]! + wx1 * photo[d + 4]! + wx2 * photo[d + 8]! + wx3 * photo[d + 12]!)
      target[out + channel] = value <= 0 ? 0 : value >= 255 ? 255 : (value + 0.5) | 0
    }
    return
  }
  const x0 = (column > 0 ? column - 1 : 0) * 4
  const x1 = column * 4
  const x2 = (column < maxColumn ? column + 1 : maxColumn) * 4
  const x3 = (column + 2 < maxColumn ? column + 2 : maxColumn) * 4
  const r0 = (row > 0 ? row - 1 : 0) * stride
  const r1 = row * stride
  const r2 = (row < maxRow ? row + 1 : maxRow) * stride
  const r3 = (row + 2 < maxRow ? row + 2 : maxRow) * stride
  for (let channel = 0; channel < 3; channel++) {
    const a = r0 + channel
    const b = r1 + channel
    const c = r2 + channel
    const d = r3 + channel
    const value =
      wy0 * (wx0 * photo[a + x0]! + wx1 * photo[a + x1]! + wx2 * photo[a + x2]! + wx3 * photo[a + x3]!) +
      wy1 * (wx0 * photo[b + x0]! + wx1 * photo[b + x1]! + wx2 * photo[b + x2]! + wx3 * photo[b + x3]!) +
      wy2 * (wx0 * photo[c + x0]! + wx1 * photo[c + x1]! + wx2 * photo[c + x2]! + wx3 * photo[c + x3]!) +
      wy3 * (wx0 * photo[d + x0]! + wx1 * photo[d + x1]! + wx2 * photo[d + x2]! + wx3 * photo[d + x3]!)
    target[out + channel] = value <= 0 ? 0 : value >= 255 ? 255 : (value + 0.5) | 0
  }
}
