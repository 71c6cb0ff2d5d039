/**
 * Draws a closed eye's lash line into an RGBA frame: the polyline `points` (`x, y` pairs, output
 * pixels) `halfWidth` pixels either side, antialiased over one more pixel, blended towards
 * `colour` (RGB) by `opacity`. Only pixels within reach of the line are touched.
 */
export function drawLashLine(
  frame: Uint8Array,
  width: number,
  height: number,
  points: Float64Array,
  halfWidth: number,
  colour: readonly [number, number, number],
  opacity: number,
): void {
  if (points.length < 4 || opacity <= 0) return
  const reach = halfWidth + 1
  let minX = Infinity
  let maxX = -Infinity
  let minY = Infinity
  let maxY = -Infinity
  for (let index = 0; index < points.length; index += 2) {
    minX = Math.min(minX, points[index]!)
    maxX = Math.max(maxX, points[index]!)
    minY = Math.min(minY, points[index + 1]!)
    maxY = Math.max(maxY, points[index + 1]!)
  }
  const left = Math.max(0, Math.floor(minX - reach))
  const right = Math.min(width - 1, Math.ceil(maxX + reach))
  const top = Math.max(0, Math.floor(minY - reach))
  const bottom = Math.min(height - 1, Math.ceil(maxY + reach))
  for (let y = top; y <= bottom; y++) {
    for (let x = left; x <= right; x++) {
      const distance = distanceToPolyline(points, x + 0.5, y + 0.5)
      const coverage = Math.min(1, Math.max(0, halfWidth + 0.5 - distance))
      if (coverage <= 0) continue
      const alpha = coverage * opacity
      const offset = (y * width + x) * 4
      for (let channel = 0; channel < 3; channel++) frame[offset + channel] = Math.round(frame[offset + channel]! * (1 - alpha) + colour[channel]! * alpha)
    }
  }
}

function distanceToPolyline(points: Float64Array, x: number, y: number): number {
  let nearest = Infinity
  for (let index = 2; index < points.length; index += 2) {
    const ax = points[index - 2]!
    const ay = points[index - 1]!
    const bx = points[index]!
    const by = points[index + 1]!
    const length = (bx - ax) ** 2 + (by - ay) ** 2
    const along = length === 0 ? 0 : Math.max(0, Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / length))
    nearest = Math.min(nearest, Math.hypot(x - ax - along * (bx - ax), y - ay - along * (by - ay)))
  }
  return nearest
}
