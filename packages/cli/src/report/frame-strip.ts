import sharp from 'sharp'
import type { RgbaImage } from './yuv-to-rgba.js'

/** Frames in a strip. */
export const STRIP_FRAMES = 6
/** Height of each frame in the strip, in pixels. */
export const STRIP_HEIGHT = 96

/** The frame indexes a strip shows: `count` spread evenly from the first to the last of `frames`. */
export function stripIndexes(frames: number, count = STRIP_FRAMES): number[] {
  if (frames <= 0) return []
  if (frames <= count) return Array.from({ length: frames }, (_, index) => index)
  return Array.from({ length: count }, (_, index) => Math.round((index * (frames - 1)) / (count - 1)))
}

/**
 * Pictures side by side, each scaled to `height` pixels tall, as one JPEG: a glance at how an
 * output moves without playing it (and in print).
 *
 * @example
 * ```ts
 * const jpeg = await frameStrip([first, middle, last]) // 3 frames, 96 px tall
 * ```
 */
export async function frameStrip(pictures: readonly RgbaImage[], height = STRIP_HEIGHT): Promise<Uint8Array> {
  const scaled = await Promise.all(
    pictures.map((picture) =>
      sharp(picture.data, { raw: { width: picture.width, height: picture.height, channels: 4 } })
        .resize({ height })
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true }),
    ),
  )
  const width = scaled.reduce((sum, frame) => sum + frame.info.width, 0)
  let left = 0
  const composite = scaled.map((frame) => {
    const placed = { input: frame.data, raw: { width: frame.info.width, height: frame.info.height, channels: 3 as const }, left, top: 0 }
    left += frame.info.width
    return placed
  })
  return new Uint8Array(await sharp({ create: { width: Math.max(1, width), height, channels: 3, background: '#000' } }).composite(composite).jpeg({ quality: 80 }).toBuffer())
}
