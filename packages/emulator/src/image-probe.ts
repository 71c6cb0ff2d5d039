import sharp, { type Sharp } from 'sharp'
import { decodeBmp, readBmpHeader } from './bmp-image.js'
import { sniffImageFormat, type ImageFormat } from './media-sniff.js'

/** What the emulator learns from an input image. */
export interface ImageInfo {
  readonly format: ImageFormat
  /** 0 when unknown. */
  readonly width: number
  /** 0 when unknown. */
  readonly height: number
  /** False when the bytes carry a known signature but cannot be read. */
  readonly decodable: boolean
}

/** Sniffs the format and reads the dimensions (header only; cheap even for large files). */
export async function probeImage(bytes: Buffer): Promise<ImageInfo> {
  const format = sniffImageFormat(bytes)
  if (format === 'unknown') return { format, width: 0, height: 0, decodable: false }
  if (format === 'bmp') {
    const header = readBmpHeader(bytes)
    const decodable = header !== undefined && header.width > 0 && header.height > 0
    return { format, width: header?.width ?? 0, height: header?.height ?? 0, decodable }
  }
  try {
    const metadata = await sharp(bytes).metadata()
    return { format, width: metadata.width ?? 0, height: metadata.height ?? 0, decodable: true }
  } catch {
    return { format, width: 0, height: 0, decodable: false }
  }
}

/** A sharp pipeline for any image the emulator accepts, BMP included. */
export function openImage(bytes: Buffer): Sharp | undefined {
  if (sniffImageFormat(bytes) === 'bmp') {
    const decoded = decodeBmp(bytes)
    return decoded ? sharp(decoded.data, { raw: { width: decoded.width, height: decoded.height, channels: 3 } }) : undefined
  }
  return sharp(bytes, { failOn: 'none' })
}
