import type { MediaInput } from '@portrait-animator/core'
import type { Sharp } from 'sharp'
import { detectFaces, type DetectedFace, type FaceBox, type RawImage } from './face-landmarks.js'
import { loadHumanRuntime } from './human-runtime.js'
import { invalidInput, localError } from './local-errors.js'
import { LOCAL_WARP_CAPABILITIES } from './local-capabilities.js'
import { loadImage } from './load-image.js'

/** An image to compare: any media input, or raw RGB/RGBA pixels (such as a rendered frame). */
export type FaceImage = MediaInput | RawImage

/** Longest side faces are described at. */
const DESCRIBE_SIDE = 1024

/**
 * Human's face description (faceres) vector of the largest face in `image`, described from a
 * square window of three face sizes around it (so the same face framed tighter or wider, e.g. a
 * photo and an animator's output of it, is described alike).
 * @throws PortraitAnimatorError `no_face` when there is no face, `invalid_input` when the image cannot be read.
 */
export async function describeFace(image: FaceImage, field = 'image'): Promise<number[]> {
  const decoded = isRawImage(image) ? { raw: image, bytes: undefined, scale: 1 } : await decodeForDescription(image, field)
  let [face] = await detectFaces(decoded.raw, { describe: true })
  if (face === undefined) throw localError({ kind: 'no_face', message: `No face was found in ${field}.` })
  // A small face in a photo larger than DESCRIBE_SIDE lost detail when the photo was scaled down
  // (a 70 px face describes as someone else): describe it again from the photo's own pixels.
  if (decoded.bytes !== undefined && decoded.scale < 1 && Math.max(face.box.width, face.box.height) < SMALL_FACE) {
    const closer = await describeAtNativeSize(decoded.bytes, face.box, decoded.scale, field)
    if (closer?.embedding !== undefined) face = closer
  } else {
    // The description depends on how much of the surroundings the detector saw: the same face
    // framed at four face heights (an animator's output) described 0.06 away from it framed at
    // three (the photo). Every face is described from the same window around it.
    const framed = await describeInWindow(decoded.raw, face.box)
    if (framed?.embedding !== undefined) face = framed
  }
  if (face.embedding === undefined) throw localError({ kind: 'provider_error', message: `The face in ${field} could not be described.` })
  return [...face.embedding]
}

/** Faces smaller than this (px, in the image described) are described again at the photo's own resolution. */
const SMALL_FACE = 256

/** Faces are described from a square window this many face sizes wide around them (clipped to the image). */
const WINDOW_FACES = 3

/**
 * The largest face in a window of `WINDOW_FACES` face sizes around `box` of `image`, or undefined
 * when that window is nearly the whole image already.
 */
async function describeInWindow(image: RawImage, box: FaceBox): Promise<DetectedFace | undefined> {
  const size = WINDOW_FACES * Math.max(box.width, box.height)
  const left = Math.max(0, Math.round(box.x + box.width / 2 - size / 2))
  const top = Math.max(0, Math.round(box.y + box.height / 2 - size / 2))
  const width = Math.min(image.width - left, Math.round(size))
  const height = Math.min(image.height - top, Math.round(size))
  if (width < 16 || height < 16 || (width >= 0.9 * image.width && height >= 0.9 * image.height)) return undefined
  const { channels } = image
  const data = new Uint8Array(width * height * channels)
  for (let row = 0; row < height; row++) {
    const start = ((top + row) * image.width + left) * channels
    data.set(image.data.subarray(start, start + width * channels), row * width * channels)
  }
  const [face] = await detectFaces({ data, width, height, channels }, { describe: true })
  return face
}

/** The largest face in a window of three face sizes around `box` (scaled by `scale`) of the photo, at its own resolution. */
async function describeAtNativeSize(bytes: Uint8Array, box: FaceBox, scale: number, field: string): Promise<DetectedFace | undefined> {
  const size = Math.max(box.width, box.height) / scale
  const centerX = (box.x + box.width / 2) / scale
  const centerY = (box.y + box.height / 2) / scale
  const metadata = await orientedSize(bytes)
  const left = Math.max(0, Math.round(centerX - (WINDOW_FACES / 2) * size))
  const top = Math.max(0, Math.round(centerY - (WINDOW_FACES / 2) * size))
  const region = { left, top, width: Math.min(metadata.width - left, Math.round(WINDOW_FACES * size)), height: Math.min(metadata.height - top, Math.round(WINDOW_FACES * size)) }
  if (region.width < 16 || region.height < 16) return undefined
  const crop = await decodeRaw(bytes, field, (image) => image.extract(region))
  const [face] = await detectFaces(crop, { describe: true })
  return face
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

async function decodeForDescription(image: MediaInput, field: string): Promise<{ raw: RawImage; bytes: Uint8Array; scale: number }> {
  const loaded = await loadImage(image, LOCAL_WARP_CAPABILITIES.inputs.image, { field })
  const raw = await decodeRaw(loaded.bytes, field, (image) => image.resize(DESCRIBE_SIDE, DESCRIBE_SIDE, { fit: 'inside', withoutEnlargement: true }))
  const { width, height } = await orientedSize(loaded.bytes)
  return { raw, bytes: loaded.bytes, scale: Math.max(raw.width / width, raw.height / height) }
}

/** Width and height of a photo as shown (EXIF orientation applied), read from its header. */
async function orientedSize(bytes: Uint8Array): Promise<{ width: number; height: number }> {
  const { default: sharp } = await import('sharp')
  const metadata = await sharp(bytes).metadata()
  const swap = (metadata.orientation ?? 1) >= 5
  return { width: (swap ? metadata.height : metadata.width) ?? 1, height: (swap ? metadata.width : metadata.height) ?? 1 }
}

/** Decodes with EXIF orientation applied, through `pipeline`, to RGB pixels. */
async function decodeRaw(bytes: Uint8Array, field: string, pipeline: (image: Sharp) => Sharp): Promise<RawImage> {
  try {
    // Imported on first use, so that importing the package stays light.
    const { default: sharp } = await import('sharp')
    const { data, info } = await pipeline(sharp(bytes, { failOn: 'error' }).rotate())
      .flatten({ background: '#ffffff' })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true })
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: 3 }
  } catch (error) {
    throw invalidInput(field, 'decode', `The ${field} could not be decoded.`, { cause: error })
  }
}
