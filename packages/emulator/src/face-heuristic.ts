import { openImage } from './image-probe.js'

/** Share of edge pixels below which an image counts as featureless ("no face"). */
const MIN_EDGE_SHARE = 0.004
/** Laplacian magnitude that counts as an edge, on a 0..255 grey scale. */
const EDGE_THRESHOLD = 24
const SAMPLE_SIZE = 64

/**
 * The emulator's stand-in for face detection: an image with almost no edges (a flat colour, a
 * smooth gradient) has "no face"; anything with visible detail has one. It runs on a 64 px
 * thumbnail, so it costs a millisecond or two.
 *
 * @returns `true` (detail, so a face), `false` (featureless), or `undefined` when the image cannot
 *   be decoded.
 */
export async function imageHasFace(bytes: Buffer): Promise<boolean | undefined> {
  const image = openImage(bytes)
  if (!image) return undefined
  let raw: { data: Buffer; info: { width: number; height: number } }
  try {
    raw = await image
      .resize(SAMPLE_SIZE, SAMPLE_SIZE, { fit: 'inside', withoutEnlargement: true })
      .greyscale()
      .raw()
      .toBuffer({ resolveWithObject: true })
  } catch {
    return undefined
  }
  const { data, info } = raw
  const { width, height } = info
  if (width < 3 || height < 3) return false
  const channels = data.length / (width * height)
  const at = (x: number, y: number): number => data[(y * width + x) * channels] ?? 0
  let edges = 0
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const laplacian = Math.abs(4 * at(x, y) - at(x - 1, y) - at(x + 1, y) - at(x, y - 1) - at(x, y + 1))
      if (laplacian >= EDGE_THRESHOLD) edges += 1
    }
  }
  return edges / ((width - 2) * (height - 2)) >= MIN_EDGE_SHARE
}
