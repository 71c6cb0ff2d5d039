import type { MediaInput } from '@portrait-animator/core'
import sharp from 'sharp'
import { detectFaces, type RawImage } from './face-landmarks.js'
import { loadHumanRuntime } from './human-runtime.js'
import { invalidInput, localError } from './local-errors.js'
import { LOCAL_WARP_CAPABILITIES } from './local-capabilities.js'
import { loadImage } from './load-image.js'

/** An image to compare: any media input, or raw RGB/RGBA pixels (such as a rendered frame). */
export type FaceImage = MediaInput | RawImage

/** Longest side faces are described at. */
const DESCRIBE_SIDE = 1024

/**
 * Human's face description (faceres) vector of the largest face in `image`.
 * @throws PortraitAnimatorError `no_face` when there is no face, `invalid_input` when the image cannot be read.
 */
export async function describeFace(image: FaceImage, field = 'image'): Promise<number[]> {
  const raw = isRawImage(image) ? image : await decodeForDescription(image, field)
  const [face] = await detectFaces(raw, { describe: true })
  if (face === undefined) throw localError({ kind: 'no_face', message: `No face was found in ${field}.` })
  if (face.embedding === undefined) throw localError({ kind: 'provider_error', message: `The face in ${field} could not be described.` })
  return [...face.embedding]
}

/**
 * How alike the largest faces of two images are, from 0 (different people) to 1 (identical),
 * using Human's face description model and `human.match.similarity`. Values above about 0.5 are
 * usually the same person. Use it to measure how well an animation keeps the person's identity.
 *
 * @example
 * ```ts
 * const score = await faceSimilarity('portrait.jpg', firstFrame) // firstFrame: { data, width, height, channels: 4 }
 * ```
 */
export async function faceSimilarity(imageA: FaceImage, imageB: FaceImage): Promise<number> {
  const first = await describeFace(imageA, 'imageA')
  const second = await describeFace(imageB, 'imageB')
  return descriptorSimilarity(first, second)
}

/** Similarity (0..1) of two face descriptors from `describeFace`. */
export async function descriptorSimilarity(first: readonly number[], second: readonly number[]): Promise<number> {
  const { human } = await loadHumanRuntime()
  return human.match.similarity(first, second)
}

function isRawImage(image: FaceImage): image is RawImage {
  return typeof image === 'object' && image !== null && !(image instanceof Uint8Array) && !(image instanceof ArrayBuffer) && !(image instanceof URL) && 'data' in image && 'channels' in image
}

async function decodeForDescription(image: MediaInput, field: string): Promise<RawImage> {
  const loaded = await loadImage(image, LOCAL_WARP_CAPABILITIES.inputs.image, { field })
  try {
    const { data, info } = await sharp(loaded.bytes, { failOn: 'error' })
      .rotate()
      .resize(DESCRIBE_SIDE, DESCRIBE_SIDE, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true })
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: 3 }
  } catch (error) {
    throw invalidInput(field, 'decode', `The ${field} could not be decoded.`, { cause: error })
  }
}
