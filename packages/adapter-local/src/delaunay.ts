/**
 * Delaunay triangulation (Bowyer-Watson) of a few hundred points.
 *
 * The first four points must be the corners of a rectangle that strictly encloses every other
 * point; they seed the triangulation. Points should have integer coordinates: the orientation and
 * in-circle tests are then exact in double precision for images up to a few thousand pixels, so
 * cocircular and collinear landmarks never produce overlapping triangles. A point that repeats an
 * earlier one is left out of every triangle.
 *
 * @returns triangle vertex indices, three per triangle, each triangle wound the same way.
 */
export function delaunay(xs: ArrayLike<number>, ys: ArrayLike<number>): Uint32Array {
  const count = xs.length
  if (count < 4) throw new RangeError('delaunay needs the four enclosing corners first')
  let triangles: number[] = []
  const addTriangle = (a: number, b: number, c: number): void => {
    // Keep one winding for every triangle, so the in-circle sign means the same everywhere.
    if (orientation(xs, ys, a, b, c) > 0) triangles.push(a, b, c)
    else triangles.push(a, c, b)
  }
  addTriangle(0, 1, 2)
  addTriangle(0, 2, 3)

  for (let point = 4; point < count; point++) {
    const px = xs[point]!
    const py = ys[point]!
    const kept: number[] = []
    const edges = new Map<number, [number, number]>()
    for (let index = 0; index < triangles.length; index += 3) {
      const a = triangles[index]!
      const b = triangles[index + 1]!
      const c = triangles[index + 2]!
      if (inCircumcircle(xs, ys, a, b, c, px, py)) {
        for (const [from, to] of [
          [a, b],
          [b, c],
          [c, a],
        ] as const) {
          const reverse = to * count + from
          if (edges.has(reverse)) edges.delete(reverse)
          else edges.set(from * count + to, [from, to])
        }
      } else {
        kept.push(a, b, c)
      }
    }
    if (edges.size === 0) continue
    triangles = kept
    for (const [from, to] of edges.values()) {
      if (orientation(xs, ys, from, to, point) !== 0) addTriangle(from, to, point)
    }
  }
  return Uint32Array.from(triangles)
}

function orientation(xs: ArrayLike<number>, ys: ArrayLike<number>, a: number, b: number, c: number): number {
  return (xs[b]! - xs[a]!) * (ys[c]! - ys[a]!) - (ys[b]! - ys[a]!) * (xs[c]! - xs[a]!)
}

/** True when (px, py) lies strictly inside the circle through a, b, c (wound with positive orientation). */
function inCircumcircle(xs: ArrayLike<number>, ys: ArrayLike<number>, a: number, b: number, c: number, px: number, py: number): boolean {
  const ax = xs[a]! - px
  const ay = ys[a]! - py
  const bx = xs[b]! - px
  const by = ys[b]! - py
  const cx = xs[c]! - px
  const cy = ys[c]! - py
  const determinant =
    (ax * ax + ay * ay) * (bx * cy - cx * by) - (bx * bx + by * by) * (ax * cy - cx * ay) + (cx * cx + cy * cy) * (ax * by - bx * ay)
  return determinant > 0
}
