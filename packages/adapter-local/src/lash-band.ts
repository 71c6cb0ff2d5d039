/** An eye's own frame in photo pixels: `u` runs along the axis from `origin` (0) over `length` (1), `v` points down across it. */
export interface EyeAxes {
  readonly originX: number
  readonly originY: number
  readonly axisX: number
  readonly axisY: number
  readonly length: number
}

/** An RGBA photo at output size. */
export interface LashPhoto {
  readonly data: Uint8Array
  readonly width: number
  readonly height: number
}

/** Thinnest and thickest band this measures, in eye widths (corner to corner). */
const BAND_LIMITS = [0.05, 0.3] as const
/** Contrast (grey levels) between the band and the lid skin under which there is no band to find. */
const LEAST_CONTRAST = 6

/**
 * How thick the dark band along the upper lid's edge is (lashes, lid shadow, a painting's dark
 * outline), in pixels: walking up from the upper-lid landmarks, where the photo turns as light as
 * the lid skin above it. Human's upper-lid points sit at the band's lower edge, and a closing lid
 * built from the skin above them would otherwise stretch that band down over the eye, where it
 * reads (to a viewer and to a landmark model) as an eye still open.
 * @param upperAt the upper lid's `v` at `u` (0..1 from corner to corner).
 * @param skin height of the lid skin above the upper lid, in pixels.
 * @returns between 5% and 30% of the eye's width; 5% where the band cannot be told from the skin.
 */
export function upperLashBand(photo: LashPhoto, eye: EyeAxes, upperAt: (u: number) => number, skin: number): number {
  const [least, most] = [BAND_LIMITS[0] * eye.length, BAND_LIMITS[1] * eye.length]
  const reach = Math.min(most, 0.8 * skin)
  const bands: number[] = []
  for (let u = 0.3; u <= 0.71; u += 0.1) {
    const upper = upperAt(u)
    const lumaAt = (distance: number): number => luma(photo, eye.originX + u * eye.length * eye.axisX - (upper - distance) * eye.axisY, eye.originY + u * eye.length * eye.axisY + (upper - distance) * eye.axisX)
    const skinLumas: number[] = []
    for (let distance = 0.6 * skin; distance <= skin; distance += 0.5) skinLumas.push(lumaAt(distance))
    skinLumas.sort((first, second) => first - second)
    const skinLuma = skinLumas[Math.floor(skinLumas.length / 2)] ?? 0
    let darkest = Infinity
    let darkestAt = 0
    for (let distance = 0; distance <= Math.min(reach, 0.2 * eye.length); distance += 0.5) {
      const value = lumaAt(distance)
      if (value < darkest) [darkest, darkestAt] = [value, distance]
    }
    if (skinLuma - darkest < LEAST_CONTRAST) continue
    const threshold = darkest + 0.5 * (skinLuma - darkest)
    let edge = reach
    for (let distance = darkestAt; distance <= reach; distance += 0.5) {
      if (lumaAt(distance) >= threshold) {
        edge = distance
        break
      }
    }
    bands.push(edge)
  }
  if (bands.length === 0) return least
  bands.sort((first, second) => first - second)
  return Math.max(least, Math.min(most, bands[Math.floor(bands.length / 2)]!))
}

/** BT.601 luma at (x, y), bilinear, clamped to the photo. */
function luma(photo: LashPhoto, x: number, y: number): number {
  const clampedX = Math.max(0, Math.min(photo.width - 1.001, x))
  const clampedY = Math.max(0, Math.min(photo.height - 1.001, y))
  const left = Math.floor(clampedX)
  const top = Math.floor(clampedY)
  const fractionX = clampedX - left
  const fractionY = clampedY - top
  const at = (column: number, row: number): number => {
    const offset = (row * photo.width + column) * 4
    return 0.299 * photo.data[offset]! + 0.587 * photo.data[offset + 1]! + 0.114 * photo.data[offset + 2]!
  }
  const upperRow = at(left, top) * (1 - fractionX) + at(left + 1, top) * fractionX
  const lowerRow = at(left, top + 1) * (1 - fractionX) + at(left + 1, top + 1) * fractionX
  return upperRow * (1 - fractionY) + lowerRow * fractionY
}
