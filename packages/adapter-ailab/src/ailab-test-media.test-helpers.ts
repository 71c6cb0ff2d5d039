import { deflateSync } from 'node:zlib'

/** Test media built byte by byte, so tests need no fixtures and no image library. */

const CRC_TABLE = Array.from({ length: 256 }, (_, index) => {
  let value = index
  for (let bit = 0; bit < 8; bit += 1) value = value & 1 ? 0xedb88320 ^ (value >>> 1) : value >>> 1
  return value >>> 0
})

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(typeAndData))
  return Buffer.concat([length, typeAndData, crc])
}

/** A valid grey-gradient PNG of `width` x `height`. */
export function makePng(width: number, height: number): Uint8Array {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header[8] = 8 // bit depth
  header[9] = 0 // greyscale
  const rows = Buffer.alloc((width + 1) * height)
  for (let y = 0; y < height; y += 1) for (let x = 0; x < width; x += 1) rows[y * (width + 1) + 1 + x] = (x + y) & 0xff
  return plain(Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(rows)),
    pngChunk('IEND', new Uint8Array()),
  ]))
}

/** An uncompressed 24-bit BMP of `width` x `height` (large files cheaply). */
export function makeBmp(width: number, height: number): Uint8Array {
  const rowBytes = Math.ceil((width * 3) / 4) * 4
  const pixelBytes = rowBytes * height
  const file = Buffer.alloc(54 + pixelBytes, 0x80)
  file.write('BM', 0, 'ascii')
  file.writeUInt32LE(file.length, 2)
  file.writeUInt32LE(0, 6)
  file.writeUInt32LE(54, 10)
  file.writeUInt32LE(40, 14)
  file.writeInt32LE(width, 18)
  file.writeInt32LE(height, 22)
  file.writeUInt16LE(1, 26)
  file.writeUInt16LE(24, 28)
  file.writeUInt32LE(0, 30)
  file.writeUInt32LE(pixelBytes, 34)
  file.fill(0, 38, 54)
  return plain(file)
}

/**
 * A mid-grey baseline greyscale JPEG that decodes completely: one quantisation table, one-code DC
 * and AC Huffman tables, and a scan in which every 8x8 block is "no change, end of block" (2 bits).
 */
export function makeJpeg(width: number, height: number): Uint8Array {
  const segment = (marker: number, data: readonly number[]) => [0xff, marker, (data.length + 2) >> 8, (data.length + 2) & 0xff, ...data]
  const dqt = segment(0xdb, [0, ...new Array<number>(64).fill(1)])
  const sof0 = segment(0xc0, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0])
  const oneCodeTable = (tableClass: number) => segment(0xc4, [tableClass << 4, 1, ...new Array<number>(15).fill(0), 0])
  const sos = segment(0xda, [1, 1, 0x00, 0, 63, 0])
  const bits = Math.ceil(width / 8) * Math.ceil(height / 8) * 2
  const scan = new Array<number>(Math.ceil(bits / 8)).fill(0)
  if (bits % 8 !== 0) scan[scan.length - 1] = 0xff >> (bits % 8) // pad the last byte with 1 bits
  return new Uint8Array([0xff, 0xd8, ...dqt, ...sof0, ...oneCodeTable(0), ...oneCodeTable(1), ...sos, ...scan, 0xff, 0xd9])
}

/** A real 16x16 GIF (encoded once by an image library), for tests that need a GIF that decodes. */
export const GIF_16 = new Uint8Array(Buffer.from('R0lGODlhEAAQAIAAAExpcaCAcCH5BAUAAAAALAAAAAAQABAAAAIOjI+py+0Po5y02ouzPgUAOw==', 'base64'))

/** A plain `Uint8Array` (not a `Buffer`), as adapters return bytes. */
function plain(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
}

function box(type: string, ...parts: Uint8Array[]): Buffer {
  const content = Buffer.concat(parts)
  const header = Buffer.alloc(8)
  header.writeUInt32BE(8 + content.length)
  header.write(type, 4, 'ascii')
  return Buffer.concat([header, content])
}

/**
 * An MP4's box structure (ftyp, moov with a video track's mvhd/tkhd/hdlr and a sample table of one
 * frame, mdat holding that frame): enough for format detection, header probing and core's integrity
 * check, not for decoding.
 */
export function makeMp4Header(options: { width: number; height: number; durationSeconds: number }): Uint8Array {
  const ftyp = box('ftyp', Buffer.from('isom', 'ascii'), Buffer.from([0, 0, 2, 0]), Buffer.from('isomiso2avc1mp41', 'ascii'))
  const mvhd = Buffer.alloc(100)
  mvhd.writeUInt32BE(1000, 12) // timescale
  mvhd.writeUInt32BE(Math.round(options.durationSeconds * 1000), 16)
  const tkhd = Buffer.alloc(84)
  tkhd.writeUInt32BE(options.width * 0x10000, 76)
  tkhd.writeUInt32BE(options.height * 0x10000, 80)
  const hdlr = Buffer.alloc(25)
  hdlr.write('vide', 8, 'ascii')
  const frame = Buffer.from([0, 0, 0, 1, 0x65, 0x88, 0x84])
  const table = (...values: number[]) => Buffer.concat(values.map((value) => Buffer.from([value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255])))
  const moovWith = (frameOffset: number) => {
    const stbl = box('stbl', box('stsz', table(0, frame.length, 1)), box('stsc', table(0, 1, 1, 1, 1)), box('stco', table(0, 1, frameOffset)))
    return box('moov', box('mvhd', mvhd), box('trak', box('tkhd', tkhd), box('mdia', box('hdlr', hdlr), box('minf', stbl))))
  }
  const moov = moovWith(ftyp.length + moovWith(0).length + 8)
  return plain(Buffer.concat([ftyp, moov, box('mdat', frame)]))
}
