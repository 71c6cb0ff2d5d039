import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import sharp from 'sharp'

/** The public-domain sample portrait (512x512, one face). */
export const ASTRONAUT_PATH = fileURLToPath(new URL('../../../examples/assets/astronaut.png', import.meta.url))
export const astronautBytes = (): Uint8Array => new Uint8Array(readFileSync(ASTRONAUT_PATH))

/** A smooth colour gradient with no face in it. */
export async function gradientPng(width = 320, height = 240): Promise<Uint8Array> {
  const pixels = new Uint8Array(width * height * 3)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const offset = (y * width + x) * 3
      pixels[offset] = Math.round((255 * x) / width)
      pixels[offset + 1] = Math.round((255 * y) / height)
      pixels[offset + 2] = 160
    }
  }
  return new Uint8Array(await sharp(pixels, { raw: { width, height, channels: 3 } }).png().toBuffer())
}

/** The astronaut twice on one white canvas: full size on the left, half size on the right. */
export async function twoFacesPng(): Promise<Uint8Array> {
  const small = await sharp(ASTRONAUT_PATH).resize(256, 256).png().toBuffer()
  return new Uint8Array(
    await sharp({ create: { width: 800, height: 512, channels: 3, background: '#ffffff' } })
      .composite([
        { input: ASTRONAUT_PATH, left: 0, top: 0 },
        { input: small, left: 530, top: 128 },
      ])
      .png()
      .toBuffer(),
  )
}

/** The astronaut at 256x256 in the middle of a 1024x1024 white canvas: a small face in a big photo. */
export async function smallFaceJpeg(): Promise<Uint8Array> {
  const small = await sharp(ASTRONAUT_PATH).resize(256, 256).png().toBuffer()
  return new Uint8Array(
    await sharp({ create: { width: 1024, height: 1024, channels: 3, background: '#ffffff' } })
      .composite([{ input: small, left: 384, top: 384 }])
      .jpeg({ quality: 92 })
      .toBuffer(),
  )
}

/**
 * The astronaut at 320x320 on a 1600x1200 canvas (a blurred enlargement of itself): a small face in
 * a photo larger than the detector's input, as in the quality benchmark's `small-face`.
 */
export async function smallFaceInLargePhotoJpeg(): Promise<Uint8Array> {
  const backdrop = await sharp(ASTRONAUT_PATH).resize(1600, 1200, { fit: 'fill' }).blur(40).png().toBuffer()
  const small = await sharp(ASTRONAUT_PATH).resize(320, 320).png().toBuffer()
  return new Uint8Array(await sharp(backdrop).composite([{ input: small, left: 900, top: 560 }]).jpeg({ quality: 90 }).toBuffer())
}

/** A rectangle in pixels. */
export interface PixelRegion {
  readonly left: number
  readonly top: number
  readonly width: number
  readonly height: number
}

/** Mean absolute difference per colour channel of two RGBA frames inside `region`. */
export function meanAbsoluteDifference(first: Uint8Array, second: Uint8Array, frameWidth: number, region: PixelRegion): number {
  let total = 0
  let count = 0
  for (let y = region.top; y < region.top + region.height; y++) {
    for (let x = region.left; x < region.left + region.width; x++) {
      const offset = (y * frameWidth + x) * 4
      for (let channel = 0; channel < 3; channel++) total += Math.abs(first[offset + channel]! - second[offset + channel]!)
      count += 3
    }
  }
  return count === 0 ? 0 : total / count
}

/** The bounding box of some landmarks (`x, y, z` triples), grown by `padding` pixels and rounded. */
export function landmarkRegion(landmarks: Float64Array, indices: readonly number[], padding: number): PixelRegion {
  const xs = indices.map((index) => landmarks[index * 3]!)
  const ys = indices.map((index) => landmarks[index * 3 + 1]!)
  const left = Math.floor(Math.min(...xs) - padding)
  const top = Math.floor(Math.min(...ys) - padding)
  return { left, top, width: Math.ceil(Math.max(...xs) + padding) - left, height: Math.ceil(Math.max(...ys) + padding) - top }
}

/**
 * The astronaut at a quarter of its brightness with fixed sensor-like noise, as the quality
 * benchmark's `dark` (a dark photo: the face's changes from frame to frame are small in grey levels).
 */
export async function darkPhotoJpeg(): Promise<Uint8Array> {
  const { data, info } = await sharp(ASTRONAUT_PATH).removeAlpha().raw().toBuffer({ resolveWithObject: true })
  let seed = 12345
  const random = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32
  for (let index = 0; index < data.length; index++) {
    const noise = (random() + random() + random() - 1.5) * 6
    data[index] = Math.max(0, Math.min(255, Math.round(data[index]! * 0.25 + 4 + noise)))
  }
  return new Uint8Array(await sharp(data, { raw: info }).jpeg({ quality: 88 }).toBuffer())
}

/** The astronaut painting-like (median filter, posterised, boosted colour), as the quality benchmark's `painting`. */
export async function paintingPng(): Promise<Uint8Array> {
  const { data, info } = await sharp(ASTRONAUT_PATH).median(7).modulate({ saturation: 1.5 }).removeAlpha().raw().toBuffer({ resolveWithObject: true })
  for (let index = 0; index < data.length; index++) data[index] = Math.min(255, Math.round(data[index]! / 24) * 24)
  return new Uint8Array(await sharp(data, { raw: info }).blur(0.8).sharpen({ sigma: 1.5 }).png().toBuffer())
}
