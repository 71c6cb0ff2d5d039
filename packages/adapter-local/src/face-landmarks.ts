import { createFaceAnalysisCache, faceAnalysisKey } from './face-analysis-cache.js'
import { analysisVersion, loadHumanRuntime, type HumanFace } from './human-runtime.js'

/** A face box in image pixels. */
export interface FaceBox {
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
}

/** One detected face. */
export interface DetectedFace {
  readonly box: FaceBox
  /** Detection confidence, 0..1. */
  readonly score: number
  /**
   * Landmarks as `x, y, z` triples in image pixels: Human's 468-point face mesh followed by its
   * 10 iris points when found. `z` uses the same scale as `x`, negative towards the camera.
   */
  readonly points: Float64Array
  /** Human's face description (faceres) vector, when asked for. */
  readonly embedding?: readonly number[]
}

/** An RGB (3 bytes per pixel) or RGBA (4 bytes per pixel) image in memory. */
export interface RawImage {
  readonly data: Uint8Array
  readonly width: number
  readonly height: number
  readonly channels: 3 | 4
}

/** Number of face-mesh landmarks without the iris points. */
export const FACE_MESH_POINTS = 468

/** Options of `detectFaces`. */
export interface DetectOptions {
  /** Also compute Human's face description (faceres) vector. */
  readonly describe?: boolean
  /**
   * A folder of face analyses (see `createFaceAnalysisCache`): the same pixels analysed before,
   * by any process, are answered from it without loading the face models.
   */
  readonly cacheDir?: string | undefined
}

/**
 * Finds faces and their 3D landmarks with Human (tfjs wasm backend), largest face first.
 * The models are loaded on first use, once per process.
 */
export async function detectFaces(image: RawImage, options: DetectOptions = {}): Promise<DetectedFace[]> {
  return (await analyseFaces(image, options)).faces
}

/** Faces found by `analyseFaces`, and whether the face analysis cache had them. */
export interface FaceAnalysis {
  readonly faces: DetectedFace[]
  /** `hit`: answered from `cacheDir` without the models; `miss`: analysed (and stored); absent without a cache. */
  readonly cache?: 'hit' | 'miss'
}

/** `detectFaces`, also saying whether the face analysis cache answered. */
export async function analyseFaces(image: RawImage, options: DetectOptions = {}): Promise<FaceAnalysis> {
  const describe = options.describe === true
  const rgb = image.channels === 3 ? image.data : rgbFromRgba(image.data)
  const cache = options.cacheDir === undefined ? undefined : createFaceAnalysisCache(options.cacheDir)
  const key = cache === undefined ? undefined : faceAnalysisKey(analysisVersion(), { rgb, width: image.width, height: image.height, describe })
  let faces: readonly HumanFace[] | undefined = key === undefined ? undefined : await cache?.read(key)
  const hit = faces !== undefined
  if (faces === undefined) {
    const analysed = await analyse(rgb, image.width, image.height, describe)
    if (key !== undefined) await cache?.write(key, analysed)
    faces = analysed
  }
  const detected = faces
    .filter((face) => face.mesh.length >= FACE_MESH_POINTS)
    .map((face) => toDetectedFace(face, describe))
    .sort((first, second) => second.box.width * second.box.height - first.box.width * first.box.height || first.box.x - second.box.x)
  return cache === undefined ? { faces: detected } : { faces: detected, cache: hit ? 'hit' : 'miss' }
}

/** Human's faces in an RGB image. */
async function analyse(rgb: Uint8Array, width: number, height: number, describe: boolean): Promise<readonly HumanFace[]> {
  const { human, exclusive } = await loadHumanRuntime()
  return exclusive(async () => {
    const tensor = human.tf.tensor4d(rgb, [1, height, width, 3], 'int32')
    try {
      const result = await human.detect(tensor, { face: { description: { enabled: describe } } })
      if (result.error) throw new Error(result.error)
      return result.face
    } finally {
      tensor.dispose()
    }
  })
}

function toDetectedFace(face: HumanFace, describe: boolean): DetectedFace {
  const points = new Float64Array(face.mesh.length * 3)
  face.mesh.forEach((point, index) => {
    points[index * 3] = point[0] ?? 0
    points[index * 3 + 1] = point[1] ?? 0
    points[index * 3 + 2] = point[2] ?? 0
  })
  const [x, y, width, height] = face.box
  const detected: DetectedFace = { box: { x, y, width, height }, score: face.score, points }
  return describe && face.embedding && face.embedding.length > 0 ? { ...detected, embedding: face.embedding } : detected
}

function rgbFromRgba(rgba: Uint8Array): Uint8Array {
  const rgb = new Uint8Array((rgba.length / 4) * 3)
  for (let source = 0, target = 0; source < rgba.length; source += 4, target += 3) {
    rgb[target] = rgba[source]!
    rgb[target + 1] = rgba[source + 1]!
    rgb[target + 2] = rgba[source + 2]!
  }
  return rgb
}
