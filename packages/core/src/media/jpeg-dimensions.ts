import { indexOfBytes, u16be } from './byte-reader.js'
import type { HeaderFacts } from './header-facts.js'

const START_OF_SCAN = 0xda
const END_OF_IMAGE = 0xd9

/** Start-of-frame markers: baseline, extended, progressive and lossless, Huffman or arithmetic. */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc
}

/** Markers that stand alone, without a length: TEM, RST0-7, SOI, EOI. */
function isStandalone(marker: number): boolean {
  return marker === 0x01 || (marker >= 0xd0 && marker <= 0xd9)
}

/**
 * Reads the frame size of a JPEG from its first SOF marker (baseline SOF0, progressive SOF2, ...),
 * walking segment headers only. A file is reported truncated when a segment runs past the end or no
 * end-of-image marker follows the first scan.
 */
export function readJpegDimensions(bytes: Uint8Array): HeaderFacts {
  let position = 2
  let size: { width: number; height: number } | undefined
  while (position < bytes.length) {
    // Like libjpeg, skip stray bytes before a marker; then any 0xFF fill bytes.
    while (position < bytes.length && bytes[position] !== 0xff) position += 1
    while (bytes[position] === 0xff) position += 1
    const marker = bytes[position]
    if (marker === undefined) break
    position += 1
    if (isStandalone(marker)) {
      if (marker === END_OF_IMAGE) return { ...size, truncated: false }
      continue
    }
    const length = u16be(bytes, position)
    if (length === undefined || length < 2) break
    if (isStartOfFrame(marker) && size === undefined) {
      const height = u16be(bytes, position + 3)
      const width = u16be(bytes, position + 5)
      if (height === undefined || width === undefined) break
      size = { width, height }
    }
    if (marker === START_OF_SCAN) {
      // Entropy-coded data never contains FF D9 (an FF in it is followed by 00 or a restart
      // marker), so the end marker must appear after the first scan of a complete file.
      const truncated = indexOfBytes(bytes, [0xff, END_OF_IMAGE], position + length) === -1
      return { ...size, truncated }
    }
    position += length
  }
  return { ...size, truncated: true }
}
