import type { Framing, Warning } from '@portrait-animator/core'
import sharp, { type Sharp } from 'sharp'
import { buildControlMesh, type ControlMesh } from './face-mesh.js'
import { analyseFaces, type DetectedFace, type FaceAnalysis, type FaceBox } from './face-landmarks.js'
import { normalizeFaceDepth } from './face-depth.js'
import { faceFallbackReason } from './face-fallback.js'
import { createFaceRig, type Deformer } from './face-rig.js'
import { invalidInput, LOCAL_PROVIDER, localError } from './local-errors.js'
import { createMeshWarp, type MeshWarp } from './mesh-warp.js'
import { createWholeImageMotion, isInsideImage } from './whole-image-motion.js'

/** What to do when the photo has no face. */
export type NoFaceBehaviour = 'error' | 'whole-image'

/** How to prepare a portrait for animation. */
export interface PrepareOptions {
  /** Longest side of the output in pixels (never upscaled beyond the photo). */
  readonly maxSide: number
  readonly framing: Framing
  readonly noFace: NoFaceBehaviour
  /** A face analysis cache folder (see `createFaceAnalysisCache`); none when undefined. */
  readonly faceCacheDir?: string | undefined
}

/** A rectangle in photo pixels. */
export interface Region {
  readonly left: number
  readonly top: number
  readonly width: number
  readonly height: number
}

/** A photo decoded, its face found and its warp precomputed: ready to render frames. */
export interface PreparedPortrait {
  /** Output width and height (even numbers). */
  readonly width: number
  readonly height: number
  /** The photo at output size, RGBA. */
  readonly photo: Uint8Array
  readonly mesh: ControlMesh
  readonly warp: MeshWarp
  readonly deformer: Deformer
  /** Every face found, largest first, in photo pixels (after EXIF rotation). */
  readonly faces: readonly DetectedFace[]
  /** The animated face's landmarks in output pixels, when there is a face. */
  readonly landmarks?: Float64Array
  /** The animated face's box in output pixels, when there is a face. */
  readonly faceBox?: FaceBox
  /** The part of the photo shown, in photo pixels. */
  readonly region: Region
  readonly warnings: readonly Warning[]
  readonly timings: { readonly decodeMs: number; readonly detectMs: number; readonly prepareMs: number }
  /** With a face analysis cache: `hit` when it answered every detection (no face model ran), else `miss`. */
  readonly faceCache?: 'hit' | 'miss'
}

/** Longest side of the image faces are detected on. */
const DETECTION_SIDE = 1024

/**
 * Decodes the photo, finds its faces, picks the largest, crops and scales it to the output size
 * and precomputes the warp.
 * @throws PortraitAnimatorError `invalid_input` when the photo cannot be decoded, `no_face` when
 * there is no face and `noFace` is `error`.
 */
export async function preparePortrait(bytes: Uint8Array, options: PrepareOptions): Promise<PreparedPortrait> {
  const started = performance.now()
  const { width: photoWidth, height: photoHeight } = await orientedSize(bytes)
  const detectionScale = Math.min(1, DETECTION_SIDE / Math.max(photoWidth, photoHeight))
  const detectionWidth = Math.max(1, Math.round(photoWidth * detectionScale))
  const detectionHeight = Math.max(1, Math.round(photoHeight * detectionScale))
  const detectionImage = await decode(bytes, (image) =>
    image
      .resize(detectionWidth, detectionHeight, { fit: 'fill' })
      .flatten({ background: '#ffffff' })
      .removeAlpha(),
  )
  const decoded = performance.now()
  const analysis = await analyseFaces({ data: detectionImage, width: detectionWidth, height: detectionHeight, channels: 3 }, { cacheDir: options.faceCacheDir })
  let faceCache = analysis.cache
  const faces = analysis.faces.map((face) => scaleFace(face, 1 / detectionScale))
  const detectedAt = performance.now()

  const warnings: Warning[] = []
  const found = faces[0]
  const fallbackReason = found === undefined ? undefined : faceFallbackReason(found.score, found.points)
  // A face the warp would tear (a profile, an unsure detection) is framed but not warped.
  const face = fallbackReason === undefined ? found : undefined
  if (fallbackReason !== undefined) {
    warnings.push({
      type: 'face',
      setting: 'image',
      provider: LOCAL_PROVIDER,
      message: `The face is not animated: ${fallbackReason}; the whole image moves gently instead.`,
    })
  } else if (face === undefined) {
    if (options.noFace === 'error') {
      throw localError({ kind: 'no_face', message: 'No face was found in the image. Use a photo with a clearly visible face.' })
    }
    warnings.push({ type: 'face', setting: 'image', provider: LOCAL_PROVIDER, message: 'No face was found; the whole image moves gently instead.' })
  } else if (faces.length > 1) {
    warnings.push({
      type: 'face',
      setting: 'image',
      provider: LOCAL_PROVIDER,
      message: `Found ${faces.length} faces; only the largest one is animated.`,
    })
  }

  const region = found !== undefined && options.framing === 'head' ? headRegion(found.box, photoWidth, photoHeight) : { left: 0, top: 0, width: photoWidth, height: photoHeight }
  const longest = Math.max(region.width, region.height)
  const scale = Math.min(options.maxSide, longest) / longest
  const width = Math.max(2, 2 * Math.round((region.width * scale) / 2))
  const height = Math.max(2, 2 * Math.round((region.height * scale) / 2))
  const photo = await decode(bytes, (image) =>
    image
      .extract(region)
      .resize(width, height, { fit: 'fill' })
      .flatten({ background: '#ffffff' })
      .ensureAlpha(),
  )

  let landmarks: Float64Array | undefined
  let faceBox: FaceBox | undefined
  let mesh: ControlMesh
  let deformer: Deformer
  let isMoving: (vertex: number) => boolean
  if (face !== undefined) {
    const scaleX = width / region.width
    const scaleY = height / region.height
    landmarks = new Float64Array(face.points.length)
    for (let index = 0; index < face.points.length; index += 3) {
      landmarks[index] = (face.points[index]! - region.left) * scaleX
      landmarks[index + 1] = (face.points[index + 1]! - region.top) * scaleY
      landmarks[index + 2] = face.points[index + 2]! * (scaleX + scaleY) * 0.5
    }
    faceBox = { x: (face.box.x - region.left) * scaleX, y: (face.box.y - region.top) * scaleY, width: face.box.width * scaleX, height: face.box.height * scaleY }
    // A small face in a large photo was found at less than output resolution: its landmarks (the
    // lids above all) are then a pixel or two off at output size. Find it again in the framed photo.
    if (detectionScale < 0.99 * Math.max(scaleX, scaleY)) {
      const refinement = await analyseFaces({ data: photo, width, height, channels: 4 }, { cacheDir: options.faceCacheDir })
      if (refinement.cache === 'miss') faceCache = 'miss'
      const refined = refineLandmarks(refinement, faceBox)
      if (refined !== undefined) ({ landmarks, faceBox } = refined)
    }
    normalizeFaceDepth(landmarks)
    const faceMesh = buildControlMesh(width, height, landmarks)
    mesh = faceMesh
    deformer = createFaceRig(faceMesh, landmarks, { data: photo, width, height })
    isMoving = (vertex) => faceMesh.weights[vertex]! > 0
  } else {
    const borderMesh = buildControlMesh(width, height)
    mesh = borderMesh
    deformer = createWholeImageMotion(borderMesh)
    isMoving = (vertex) => isInsideImage(borderMesh, vertex)
  }
  const warp = createMeshWarp({ photo, width, height, xs: mesh.xs, ys: mesh.ys, triangles: mesh.triangles, isMoving })
  return {
    width,
    height,
    photo,
    mesh,
    warp,
    deformer,
    faces,
    ...(landmarks === undefined ? {} : { landmarks }),
    ...(faceBox === undefined ? {} : { faceBox }),
    region,
    warnings,
    timings: { decodeMs: decoded - started, detectMs: detectedAt - decoded, prepareMs: performance.now() - detectedAt },
    ...(faceCache === undefined ? {} : { faceCache }),
  }
}

/**
 * Landmarks of the face at `expected` found again in the framed photo at output size, when a face
 * is found there whose centre lies within half a face of the expected one.
 */
function refineLandmarks({ faces }: FaceAnalysis, expected: FaceBox): { landmarks: Float64Array; faceBox: FaceBox } | undefined {
  const centerX = expected.x + expected.width / 2
  const centerY = expected.y + expected.height / 2
  const size = Math.max(expected.width, expected.height)
  const nearest = faces
    .map((face) => ({ face, distance: Math.hypot(face.box.x + face.box.width / 2 - centerX, face.box.y + face.box.height / 2 - centerY) }))
    .sort((first, second) => first.distance - second.distance)[0]
  if (nearest === undefined || nearest.distance > 0.5 * size) return undefined
  return { landmarks: Float64Array.from(nearest.face.points), faceBox: nearest.face.box }
}

/**
 * The head-and-shoulders window for `framing: 'head'`: the photo's own aspect ratio, about four
 * face-heights tall, centred a little below the face. A photo that is already a close portrait is
 * kept whole.
 */
export function headRegion(box: FaceBox, photoWidth: number, photoHeight: number): Region {
  const faceSize = Math.max(box.width, box.height)
  const fraction = Math.min(1, (4 * faceSize) / Math.min(photoWidth, photoHeight))
  const width = Math.max(1, Math.round(photoWidth * fraction))
  const height = Math.max(1, Math.round(photoHeight * fraction))
  const centerX = box.x + box.width / 2
  const centerY = box.y + box.height / 2 + 0.4 * faceSize
  const left = Math.round(Math.min(photoWidth - width, Math.max(0, centerX - width / 2)))
  const top = Math.round(Math.min(photoHeight - height, Math.max(0, centerY - height / 2)))
  return { left, top, width, height }
}

function scaleFace(face: DetectedFace, scale: number): DetectedFace {
  if (scale === 1) return face
  const points = face.points.map((value) => value * scale)
  const box = { x: face.box.x * scale, y: face.box.y * scale, width: face.box.width * scale, height: face.box.height * scale }
  return { ...face, box, points }
}

async function orientedSize(bytes: Uint8Array): Promise<{ width: number; height: number }> {
  try {
    const metadata = await sharp(bytes).metadata()
    const swap = (metadata.orientation ?? 1) >= 5
    const width = swap ? metadata.height : metadata.width
    const height = swap ? metadata.width : metadata.height
    if (!width || !height) throw new Error('no size')
    return { width, height }
  } catch (error) {
    throw invalidInput('image', 'decode', 'The image could not be decoded.', { cause: error })
  }
}

/** Decodes with EXIF orientation applied, through `pipeline`, to raw pixels. */
async function decode(bytes: Uint8Array, pipeline: (image: Sharp) => Sharp): Promise<Uint8Array> {
  try {
    const buffer = await pipeline(sharp(bytes, { failOn: 'error' }).rotate()).raw().toBuffer()
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
  } catch (error) {
    throw invalidInput('image', 'decode', 'The image could not be decoded (it may be truncated or corrupt).', { cause: error })
  }
}
