/** Upper/lower lid landmark pairs and the two corners of each eye, in Human's face mesh (MediaPipe topology). */
const EYES = [
  { pairs: [[160, 144], [159, 145], [158, 153]], corners: [33, 133] },
  { pairs: [[387, 373], [386, 374], [385, 380]], corners: [263, 362] },
] as const

/**
 * How open the eyes are: the mean lid opening of both eyes over their widths, from a face's mesh
 * points (`x, y, z` per landmark, as `detectFaces` gives them). About 0.3 for open eyes, under 0.1
 * for closed ones. The quality bench and the blink tests measure rendered and decoded frames with it.
 *
 * @example
 * ```ts
 * const [face] = await detectFaces({ data: rgba, width, height, channels: 4 })
 * console.log(eyeOpenness(face.points))
 * ```
 */
export function eyeOpenness(points: ArrayLike<number>): number {
  const distance = (first: number, second: number): number => Math.hypot(points[first * 3]! - points[second * 3]!, points[first * 3 + 1]! - points[second * 3 + 1]!)
  let total = 0
  for (const eye of EYES) {
    const opening = eye.pairs.reduce((sum, [upper, lower]) => sum + distance(upper, lower), 0) / eye.pairs.length
    total += opening / (distance(eye.corners[0], eye.corners[1]) || 1) / EYES.length
  }
  return total
}
