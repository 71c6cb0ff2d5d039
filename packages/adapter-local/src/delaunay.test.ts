import { describe, expect, it } from 'vitest'
import { delaunay } from './delaunay.js'

function signedArea(xs: number[], ys: number[], a: number, b: number, c: number): number {
  return ((xs[b]! - xs[a]!) * (ys[c]! - ys[a]!) - (ys[b]! - ys[a]!) * (xs[c]! - xs[a]!)) / 2
}

/** Points inside a 200x100 rectangle: a seeded grid with collinear rows, repeats and scattered points. */
function samplePoints(): { xs: number[]; ys: number[] } {
  const xs = [-50, 250, 250, -50]
  const ys = [-50, -50, 150, 150]
  let seed = 7
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed / 2147483648
  }
  for (let x = 0; x <= 200; x += 25) {
    xs.push(x, x)
    ys.push(0, 100)
  }
  for (let index = 0; index < 200; index++) {
    xs.push(Math.round(random() * 200))
    ys.push(Math.round(random() * 100))
  }
  xs.push(100, 100)
  ys.push(50, 50)
  return { xs, ys }
}

describe('delaunay', () => {
  const { xs, ys } = samplePoints()
  const triangles = delaunay(xs, ys)

  it('tiles the enclosing rectangle exactly: no overlaps, no holes', () => {
    let total = 0
    for (let index = 0; index < triangles.length; index += 3) {
      const area = signedArea(xs, ys, triangles[index]!, triangles[index + 1]!, triangles[index + 2]!)
      expect(area).toBeGreaterThan(0)
      total += area
    }
    expect(total).toBe(300 * 200)
  })

  it('keeps every circumcircle empty (the Delaunay property)', () => {
    let violations = 0
    for (let index = 0; index < triangles.length; index += 3) {
      const [a, b, c] = [triangles[index]!, triangles[index + 1]!, triangles[index + 2]!]
      for (let point = 0; point < xs.length; point++) {
        if (point === a || point === b || point === c) continue
        const [ax, ay, bx, by, cx, cy] = [xs[a]! - xs[point]!, ys[a]! - ys[point]!, xs[b]! - xs[point]!, ys[b]! - ys[point]!, xs[c]! - xs[point]!, ys[c]! - ys[point]!]
        const inside = (ax * ax + ay * ay) * (bx * cy - cx * by) - (bx * bx + by * by) * (ax * cy - cx * ay) + (cx * cx + cy * cy) * (ax * by - bx * ay)
        if (inside > 0) violations++
      }
    }
    expect(violations).toBe(0)
  })

  it('uses every distinct point', () => {
    const used = new Set(triangles)
    const distinct = new Set(xs.map((x, index) => `${x},${ys[index]}`))
    const usedPositions = new Set([...used].map((index) => `${xs[index]},${ys[index]}`))
    expect(usedPositions.size).toBe(distinct.size)
  })
})
