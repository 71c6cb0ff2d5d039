import type { ImageFormat } from '../spec/index.js'
import { hasAsciiAt, i32le, u16le, u32be, u32le } from './byte-reader.js'
import type { HeaderFacts } from './header-facts.js'
import { readJpegDimensions } from './jpeg-dimensions.js'
import { readWebpDimensions } from './webp-dimensions.js'

/**
 * Reads an image's pixel size from its header, for all five supported formats. Never decodes
 * pixels, so a header claiming 60000x60000 costs nothing to read and can be rejected at once.
 * `width`/`height` are missing when the header is cut short or corrupt.
 */
export function readImageDimensions(bytes: Uint8Array, format: ImageFormat): HeaderFacts {
  switch (format) {
    case 'png':
      return readPngDimensions(bytes)
    case 'gif':
      return readGifDimensions(bytes)
    case 'bmp':
      return readBmpDimensions(bytes)
    case 'jpeg':
      return readJpegDimensions(bytes)
    case 'webp':
      return readWebpDimensions(bytes)
  }
}

/** IHDR comes first; the chunk walk (headers only) tells whether the file reaches its IEND. */
function readPngDimensions(bytes: Uint8Array): HeaderFacts {
  if (bytes.length < 24) return { truncated: true }
  if (!hasAsciiAt(bytes, 12, 'IHDR')) return { truncated: false }
  return { width: u32be(bytes, 16)!, height: u32be(bytes, 20)!, truncated: !reachesPngEnd(bytes) }
}

function reachesPngEnd(bytes: Uint8Array): boolean {
  let position = 8
  while (position + 8 <= bytes.length) {
    const length = u32be(bytes, position)!
    if (hasAsciiAt(bytes, position + 4, 'IEND')) return true
    position += 12 + length // length, type, data, CRC
  }
  return false
}

/** The logical screen size of a GIF. */
function readGifDimensions(bytes: Uint8Array): HeaderFacts {
  if (bytes.length < 10) return { truncated: true }
  return { width: u16le(bytes, 6)!, height: u16le(bytes, 8)!, truncated: false }
}

/** BITMAPCOREHEADER (12 bytes) has 16-bit sizes; later headers 32-bit, with negative height for top-down rows. */
function readBmpDimensions(bytes: Uint8Array): HeaderFacts {
  const fileSize = u32le(bytes, 2)
  const pixelOffset = u32le(bytes, 10)
  const headerSize = u32le(bytes, 14)
  if (fileSize === undefined || pixelOffset === undefined || headerSize === undefined) return { truncated: true }
  const truncated = fileSize > bytes.length || pixelOffset > bytes.length
  if (headerSize === 12) {
    if (bytes.length < 22) return { truncated: true }
    return { width: u16le(bytes, 18)!, height: u16le(bytes, 20)!, truncated }
  }
  const width = i32le(bytes, 18)
  const height = i32le(bytes, 22)
  if (width === undefined || height === undefined) return { truncated: true }
  return { width: Math.abs(width), height: Math.abs(height), truncated }
}
