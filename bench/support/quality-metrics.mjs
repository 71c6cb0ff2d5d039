// Measures of one decoded clip for the quality benchmark (bench/local-quality.mjs). Not a
// benchmark itself. Every figure is taken from what a player shows (the decoded H.264 frames),
// except the PSNR, which compares decoded frame 0 with the frame the animator rendered.

/** Face-oval landmarks of Human's mesh (MediaPipe topology). */
export const FACE_OVAL = [
  10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234,
  127, 162, 21, 54, 103, 67, 109,
]

const point = (points, index) => [points[index * 3], points[index * 3 + 1]]

/** Face centre, width (widest extent of the oval, along the eye line) and height of a face's landmarks. */
export function faceGeometry(points) {
  let centerX = 0
  let centerY = 0
  for (const index of FACE_OVAL) {
    const [x, y] = point(points, index)
    centerX += x / FACE_OVAL.length
    centerY += y / FACE_OVAL.length
  }
  // Measure along the face's own axes, so a tilted head has the same width as an upright one.
  const [leftX, leftY] = point(points, 33)
  const [rightX, rightY] = point(points, 263)
  const length = Math.hypot(rightX - leftX, rightY - leftY) || 1
  const axisX = (rightX - leftX) / length
  const axisY = (rightY - leftY) / length
  let minU = Infinity
  let maxU = -Infinity
  let minV = Infinity
  let maxV = -Infinity
  for (const index of FACE_OVAL) {
    const [x, y] = point(points, index)
    const u = (x - centerX) * axisX + (y - centerY) * axisY
    const v = -(x - centerX) * axisY + (y - centerY) * axisX
    minU = Math.min(minU, u)
    maxU = Math.max(maxU, u)
    minV = Math.min(minV, v)
    maxV = Math.max(maxV, v)
  }
  return { centerX, centerY, width: maxU - minU, height: maxV - minV, axisX, axisY }
}

/** Mean lid opening of both eyes over their widths: the adapter's own measure. */
export { eyeOpenness } from '../../packages/adapter-local/dist/eye-openness.js'

/** Luma (BT.601) of an RGBA frame. */
export function luma(rgba, width, height) {
  const out = new Float32Array(width * height)
  for (let index = 0; index < out.length; index++) out[index] = 0.299 * rgba[index * 4] + 0.587 * rgba[index * 4 + 1] + 0.114 * rgba[index * 4 + 2]
  return out
}

/** Mean absolute difference of two luma planes. */
export function meanDifference(first, second) {
  let total = 0
  for (let index = 0; index < first.length; index++) total += Math.abs(first[index] - second[index])
  return total / first.length
}

/** PSNR in dB of two RGBA frames over their colour channels. */
export function psnr(first, second) {
  let total = 0
  let count = 0
  for (let index = 0; index < first.length; index += 4) {
    for (let channel = 0; channel < 3; channel++) {
      const difference = first[index + channel] - second[index + channel]
      total += difference * difference
      count++
    }
  }
  const mse = total / count
  return mse === 0 ? 99 : 10 * Math.log10((255 * 255) / mse)
}

/**
 * The head matte of the metric: the face, hair and neck, as a mask (1 inside). An ellipse 1.7x
 * the face about its centre (face and hair), and a narrower one below it (neck), both along the
 * face's own axes.
 */
export function headMatte(geometry, width, height) {
  const mask = new Uint8Array(width * height)
  const { centerX, centerY, axisX, axisY } = geometry
  const ellipses = [
    { down: 0, halfWidth: 0.85 * geometry.width, halfHeight: 0.85 * geometry.height },
    { down: 0.8 * geometry.height, halfWidth: 0.5 * geometry.width, halfHeight: 0.7 * geometry.height },
  ]
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = (x + 0.5 - centerX) * axisX + (y + 0.5 - centerY) * axisY
      const v = -(x + 0.5 - centerX) * axisY + (y + 0.5 - centerY) * axisX
      for (const ellipse of ellipses) {
        if ((u / ellipse.halfWidth) ** 2 + ((v - ellipse.down) / ellipse.halfHeight) ** 2 <= 1) {
          mask[y * width + x] = 1
          break
        }
      }
    }
  }
  return mask
}

/**
 * Average motion in pixels outside the matte between `frame` and `reference` (luma planes), from
 * the brightness-constancy relation |dI| ~ |grad I| * |displacement| along the gradient: summed
 * over pixels with a clear gradient (flat areas say nothing about motion, and show only codec noise).
 */
export function backgroundMotion(reference, frame, mask, width, height) {
  let change = 0
  let gradient = 0
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const index = y * width + x
      if (mask[index] === 1) continue
      const gx = (reference[index + 1] - reference[index - 1]) / 2
      const gy = (reference[index + width] - reference[index - width]) / 2
      const magnitude = Math.hypot(gx, gy)
      if (magnitude < 12) continue
      change += Math.abs(frame[index] - reference[index])
      gradient += magnitude
    }
  }
  return gradient === 0 ? 0 : change / gradient
}

/** PSNR in dB of the luma (BT.601) of two RGBA frames: the usual measure of a video encode. */
export function lumaPsnr(first, second) {
  let total = 0
  let count = 0
  for (let index = 0; index < first.length; index += 4) {
    const difference =
      0.299 * (first[index] - second[index]) + 0.587 * (first[index + 1] - second[index + 1]) + 0.114 * (first[index + 2] - second[index + 2])
    total += difference * difference
    count++
  }
  const mse = total / count
  return mse === 0 ? 99 : 10 * Math.log10((255 * 255) / mse)
}
