import type { DecodedFrame } from './h264-frames.js'

/** An RGBA picture in memory (4 bytes per pixel, rows packed). */
export interface RgbaImage {
  readonly data: Uint8Array
  readonly width: number
  readonly height: number
  readonly channels: 4
}

/**
 * Converts a decoded I420 frame to RGBA at its display size (BT.601, limited range: what H.264
 * encoders write unless told otherwise).
 */
export function yuvToRgba(frame: DecodedFrame): RgbaImage {
  const { width, height, codedWidth, codedHeight, planes } = frame
  const chromaWidth = codedWidth >> 1
  const uPlane = codedWidth * codedHeight
  const vPlane = uPlane + chromaWidth * (codedHeight >> 1)
  const data = new Uint8Array(width * height * 4)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const chroma = (y >> 1) * chromaWidth + (x >> 1)
      const luma = 1.164 * (planes[y * codedWidth + x]! - 16)
      const u = planes[uPlane + chroma]! - 128
      const v = planes[vPlane + chroma]! - 128
      const out = (y * width + x) * 4
      // A Uint8Array wraps values outside 0..255 instead of clamping them.
      data[out] = clamp(luma + 1.596 * v)
      data[out + 1] = clamp(luma - 0.392 * u - 0.813 * v)
      data[out + 2] = clamp(luma + 2.017 * u)
      data[out + 3] = 255
    }
  }
  return { data, width, height, channels: 4 }
}

function clamp(value: number): number {
  return value <= 0 ? 0 : value >= 255 ? 255 : Math.round(value)
}
