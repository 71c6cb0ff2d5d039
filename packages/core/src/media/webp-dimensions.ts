import { ascii, hasAsciiAt, startsWithAt, u16le, u24le, u32le } from './byte-reader.js'
import type { HeaderFacts } from './header-facts.js'

/** Reads the canvas size of a WebP from its first chunk: lossy `VP8 `, lossless `VP8L` or extended `VP8X`. */
export function readWebpDimensions(bytes: Uint8Array): HeaderFacts {
  const riffSize = u32le(bytes, 4)
  const truncated = riffSize === undefined || riffSize + 8 > bytes.length
  const chunk = ascii(bytes, 12, 4)
  if (chunk === 'VP8 ') {
    // 10-byte frame header: 3-byte frame tag, start code 9D 01 2A, then 14-bit sizes.
    if (bytes.length < 30) return { truncated: true }
    if (!startsWithAt(bytes, 23, [0x9d, 0x01, 0x2a])) return { truncated }
    return { width: u16le(bytes, 26)! & 0x3fff, height: u16le(bytes, 28)! & 0x3fff, truncated }
  }
  if (chunk === 'VP8L') {
    if (bytes.length < 25) return { truncated: true }
    if (bytes[20] !== 0x2f) return { truncated }
    const bits = u32le(bytes, 21)!
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1, truncated }
  }
  if (chunk === 'VP8X') {
    if (bytes.length < 30) return { truncated: true }
    return { width: u24le(bytes, 24)! + 1, height: u24le(bytes, 27)! + 1, truncated }
  }
  return { truncated: truncated || !hasAsciiAt(bytes, 12, chunk ?? '????') }
}
