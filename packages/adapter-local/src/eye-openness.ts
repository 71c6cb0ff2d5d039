/** Upper/lower lid landmark pairs and the two corners of each eye, in Human's face mesh (MediaPipe topology). */
const EYES = [
  { pairs: [[160, 144], [159, 145], [158, 153]], corners: [33, 133] },
  { pairs: [[387, 373], [386, 374], [385, 380]], corners: [263, 362] },
] as const

/**
 * How open the eyes are: the mean lid opening of both eyes over their widths, from a face's mesh
 * points (`x, y, z` per landmark, as `detectFaces` gives them). About 0.3 for open eyes, under 0.1
 * for closed ones. Each lid pair's opening is its gap across the eye (perpendicular to the line
 * through the corners): on a closed eye Human places the two points of a pair up to 2.6 px apart
 * along the eye, which a plain distance counted as 0.15-0.4 of an open eye. The quality bench and the blink tests measure rendered and decoded frames with it.
 *
 * @example
 * ```ts
 * const [face] = await detectFaces({ data: rgba, width, height, channels: 4 })
 * console.log(eyeOpenness(face.points))
 * ```
 */
export function eyeOpenness(points: ArrayLike<number>): number {
  const x = (index: number): number => points[index * 3]!
  const y = (index: number): number => points[index * 3 + 1]!
  let total = 0
  for (const eye of EYES) {
    const [first, second] = eye.corners
    const width = Math.hypot(x(second) - x(first), y(second) - y(first)) || 1
    // The unit normal of the corner-to-corner axis: a lid pair's gap is measured across the eye,
    // not along it (Human places a closed eye's two points of a pair up to 2.6 px apart along it).
    const normalX = -(y(second) - y(first)) / width
    const normalY = (x(second) - x(first)) / width
    const opening = eye.pairs.reduce((sum, [upper, lower]) => sum + Math.abs((x(upper) - x(lower)) * normalX + (y(upper) - y(lower)) * normalY), 0) / eye.pairs.length
    total += opening / width / EYES.length
  }
  return total
}
