/** The parts of a BMP header the emulator needs (libvips cannot read BMP, so it is parsed here). */
export interface BmpHeader {
  readonly width: number
  readonly height: number
  readonly bitsPerPixel: number
  readonly compression: number
  readonly pixelOffset: number
  readonly bottomUp: boolean
}

/** Reads a BMP header, or `undefined` when the bytes are not a BMP this code understands. */
export function readBmpHeader(bytes: Buffer): BmpHeader | undefined {
  if (bytes.length < 30 || bytes.toString('latin1', 0, 2) !== 'BM') return undefined
  const rawHeight = bytes.readInt32LE(22)
  return {
    pixelOffset: bytes.readUInt32LE(10),
    width: bytes.readInt32LE(18),
    height: Math.abs(rawHeight),
    bottomUp: rawHeight > 0,
    bitsPerPixel: bytes.readUInt16LE(28),
    compression: bytes.readUInt32LE(30),
  }
}

/**
 * Decodes an uncompressed 24- or 32-bit BMP to raw RGB, or `undefined` for other kinds (palette,
 * RLE), which the emulator then treats as undecodable.
 */
export function decodeBmp(bytes: Buffer): { data: Buffer; width: number; height: number } | undefined {
  const header = readBmpHeader(bytes)
  if (!header || header.width <= 0 || header.height <= 0 || header.width * header.height > 40_000_000) return undefined
  const { width, height, bitsPerPixel, compression, pixelOffset, bottomUp } = header
  if (!((bitsPerPixel === 24 && compression === 0) || (bitsPerPixel === 32 && (compression === 0 || compression === 3)))) {
    return undefined
  }
  const bytesPerPixel = bitsPerPixel / 8
  const rowStride = Math.ceil((width * bytesPerPixel) / 4) * 4
  if (pixelOffset + rowStride * height > bytes.length) return undefined
  const data = Buffer.alloc(width * height * 3)
  for (let row = 0; row < height; row++) {
    const sourceRow = pixelOffset + (bottomUp ? height - 1 - row : row) * rowStride
    for (let column = 0; column < width; column++) {
      const source = sourceRow + column * bytesPerPixel
      const target = (row * width + column) * 3
      data[target] = bytes[source + 2] ?? 0
      data[target + 1] = bytes[source + 1] ?? 0
      data[target + 2] = bytes[source] ?? 0
    }
  }
  return { data, width, height }
}

/** Encodes raw RGB as an uncompressed 24-bit, bottom-up BMP. */
export function encodeBmp(rgb: Buffer, width: number, height: number): Buffer {
  const rowStride = Math.ceil((width * 3) / 4) * 4
  const pixelBytes = rowStride * height
  const out = Buffer.alloc(54 + pixelBytes)
  out.write('BM', 0, 'latin1')
  out.writeUInt32LE(54 + pixelBytes, 2)
  out.writeUInt32LE(54, 10)
  out.writeUInt32LE(40, 14)
  out.writeInt32LE(width, 18)
  out.writeInt32LE(height, 22)
  out.writeUInt16LE(1, 26)
  out.writeUInt16LE(24, 28)
  out.writeUInt32LE(pixelBytes, 34)
  for (let row = 0; row < height; row++) {
    const targetRow = 54 + (height - 1 - row) * rowStride
    for (let column = 0; column < width; column++) {
      const source = (row * width + column) * 3
      const target = targetRow + column * 3
      out[target] = rgb[source + 2] ?? 0
      out[target + 1] = rgb[source + 1] ?? 0
      out[target + 2] = rgb[source] ?? 0
    }
  }
  return out
}
