import type { EyeRegion } from './face-regions.js'

/**
 * How far past each corner landmark the eye's lids (and this grid) reach, in eye widths: the dark
 * corners of an eye (lashes, the caruncle) extend past Human's corner points, and a lid that stops
 * at them leaves those corners showing, which still reads (to a viewer and to a landmark model) as
 * an open eye.
 */
export const EYE_CORNER_REACH = 0.25

/** Spacing of the grid across the eye in eye lengths (at least 2 px), and down it (at least 1 px: the lash line is that thin). */
const GRID_STEP_ACROSS = 0.1
const GRID_STEP_DOWN = 0.05

/**
 * Extra mesh points over one eye: a grid (in the eye's own frame, from the skin above the upper
 * lid to just under the lower lid) so the blink's map is followed pixel by pixel. With only the
 * lid landmarks as vertices, one triangle spans the whole opening and a closing lid shows the
 * iris and sclera squeezed into a dark band with a white line under it; with the grid the opening
 * is squeezed into the lash line and the lid is skin.
 * @returns `x, y, z` triples in the landmarks' pixels.
 */
export function eyeGridPoints(landmarks: Float64Array, region: EyeRegion): number[] {
  const point = (landmark: number): [number, number, number] => [landmarks[landmark * 3]!, landmarks[landmark * 3 + 1]!, landmarks[landmark * 3 + 2]!]
  const [startX, startY] = point(region.upperLid[0]!)
  const [endX, endY] = point(region.upperLid[region.upperLid.length - 1]!)
  const length = Math.hypot(endX - startX, endY - startY)
  if (length < 4) return []
  const axisX = (endX - startX) / length
  const axisY = (endY - startY) / length
  let minV = Infinity
  let maxV = -Infinity
  let z = 0
  const lids = [...region.upperLid, ...region.lowerLid]
  for (const landmark of lids) {
    const [x, y, depth] = point(landmark)
    const v = -(x - startX) * axisY + (y - startY) * axisX
    minV = Math.min(minV, v)
    maxV = Math.max(maxV, v)
    z += depth / lids.length
  }
  const across = Math.max(2, GRID_STEP_ACROSS * length)
  const down = Math.max(1, GRID_STEP_DOWN * length)
  const points: number[] = []
  // From half an eye length above the highest lid point (the lid skin that stretches down) to a
  // fifth below the lowest, across the eye from corner to corner and `EYE_CORNER_REACH` beyond.
  for (let v = minV - 0.5 * length; v <= maxV + 0.2 * length; v += down) {
    for (let u = across - EYE_CORNER_REACH * length; u < (1 + EYE_CORNER_REACH) * length; u += across) {
      points.push(startX + u * axisX - v * axisY, startY + u * axisY + v * axisX, z)
    }
  }
  return points
}
