import { INNER_LIPS } from './face-regions.js'

/**
 * Extra mesh points inside the mouth opening (teeth, tongue), about a twelfth of the mouth apart
 * (at least 2 px), so the inner mouth can move as one piece while the lips around it stretch.
 * @returns `x, y, z` triples in the landmarks' pixels (none for a closed mouth).
 */
export function mouthGridPoints(landmarks: Float64Array): number[] {
  const outline = innerLipOutline(landmarks)
  let minX = Infinity
  let maxX = -Infinity
  let minY = Infinity
  let maxY = -Infinity
  let z = 0
  for (let index = 0; index < outline.length; index += 2) {
    minX = Math.min(minX, outline[index]!)
    maxX = Math.max(maxX, outline[index]!)
    minY = Math.min(minY, outline[index + 1]!)
    maxY = Math.max(maxY, outline[index + 1]!)
  }
  for (const landmark of INNER_LIPS) z += landmarks[landmark * 3 + 2]! / INNER_LIPS.length
  const step = Math.max(2, (maxX - minX) / 12)
  const points: number[] = []
  for (let y = minY + step / 2; y < maxY; y += step) {
    for (let x = minX + step / 2; x < maxX; x += step) {
      if (insideOutline(outline, x, y, 1)) points.push(x, y, z)
    }
  }
  return points
}

/** The inner lip outline as `x, y` pairs. */
export function innerLipOutline(landmarks: Float64Array): Float64Array {
  return Float64Array.from(INNER_LIPS.flatMap((landmark) => [landmarks[landmark * 3]!, landmarks[landmark * 3 + 1]!]))
}

/** Whether (x, y) lies inside the closed outline (`x, y` pairs) and at least `inset` pixels from its edges. */
export function insideOutline(outline: Float64Array, x: number, y: number, inset = 0): boolean {
  let inside = false
  let nearest = Infinity
  const count = outline.length / 2
  for (let index = 0, previous = count - 1; index < count; previous = index++) {
    const ax = outline[index * 2]!
    const ay = outline[index * 2 + 1]!
    const bx = outline[previous * 2]!
    const by = outline[previous * 2 + 1]!
    if (ay > y !== by > y && x < ((bx - ax) * (y - ay)) / (by - ay) + ax) inside = !inside
    const length = (bx - ax) ** 2 + (by - ay) ** 2
    const along = length === 0 ? 0 : Math.max(0, Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / length))
    nearest = Math.min(nearest, Math.hypot(x - ax - along * (bx - ax), y - ay - along * (by - ay)))
  }
  return inside && nearest >= inset
}
