import type { FaceBox } from '@portrait-animator/adapter-local'
import type { RgbaImage } from './yuv-to-rgba.js'

/** Outer-lip landmarks of Human's 468-point face mesh (MediaPipe numbering). */
const LIP_POINTS = [61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291, 409, 270, 269, 267, 0, 37, 39, 40, 185]

/**
 * The mouth of the largest face in `picture`, from its lip landmarks, widened by half and made
 * twice as tall so the jaw and the chin's first movement count too.
 *
 * @throws PortraitAnimatorError (`no_face`) from adapter-local when there is no face.
 * @example
 * ```ts
 * const box = await findMouthRegion(middleFrame) // { x: 118, y: 170, width: 60, height: 40 }
 * ```
 */
export async function findMouthRegion(picture: RgbaImage): Promise<FaceBox> {
  const { detectFaces } = await import('@portrait-animator/adapter-local')
  const [face] = await detectFaces({ data: picture.data, width: picture.width, height: picture.height, channels: 4 })
  if (face === undefined) throw new Error('no face was found in the output to locate its mouth')
  let left = Number.POSITIVE_INFINITY
  let top = Number.POSITIVE_INFINITY
  let right = Number.NEGATIVE_INFINITY
  let bottom = Number.NEGATIVE_INFINITY
  for (const point of LIP_POINTS) {
    const x = face.points[point * 3]!
    const y = face.points[point * 3 + 1]!
    left = Math.min(left, x)
    right = Math.max(right, x)
    top = Math.min(top, y)
    bottom = Math.max(bottom, y)
  }
  const width = (right - left) * 1.5
  const height = (bottom - top) * 2
  const x = Math.max(0, Math.round((left + right) / 2 - width / 2))
  const y = Math.max(0, Math.round((top + bottom) / 2 - height / 2))
  return { x, y, width: Math.min(picture.width - x, Math.round(width)), height: Math.min(picture.height - y, Math.round(height)) }
}
