import { createRequire } from 'node:module'
import sharp from 'sharp'
import { withoutGlobalErrorHandlers } from '../runtime/index.js'

interface Encoder {
  width: number
  height: number
  frameRate: number
  outputFilename: string
  initialize(): void
  addFrameRgba(frame: Uint8Array): void
  finalize(): void
  FS: { readFile(name: string): Uint8Array; unlink(name: string): void }
}

let counter = 0

/** A real H.264 MP4 (h264-mp4-encoder: `ftyp`, `mdat`, then `moov`). */
export async function encodeMp4(frames = 6, width = 32, height = 32, fps = 12): Promise<Buffer> {
  const require = createRequire(import.meta.url)
  const module = await withoutGlobalErrorHandlers(() => require('h264-mp4-encoder') as { createH264MP4Encoder(): Promise<Encoder> })
  const encoder = await module.createH264MP4Encoder()
  Object.assign(encoder, { width, height, frameRate: fps, outputFilename: `core-output-${process.pid}-${counter++}.mp4` })
  encoder.initialize()
  for (let index = 0; index < frames; index++) {
    // Noise, so that frames are not tiny and a cut lands inside frame data.
    encoder.addFrameRgba(Uint8Array.from({ length: width * height * 4 }, (_, at) => (at * 7919 + index * 104729) % 251))
  }
  encoder.finalize()
  const bytes = encoder.FS.readFile(encoder.outputFilename)
  encoder.FS.unlink(encoder.outputFilename)
  return Buffer.from(bytes)
}

/** A real image of noise (so its compressed data is not trivially small). */
export async function encodeImage(format: 'jpeg' | 'png' | 'webp', width = 64, height = 64): Promise<Buffer> {
  const pixels = Buffer.from(Uint8Array.from({ length: width * height * 3 }, (_, at) => (at * 7919) % 251))
  return sharp(pixels, { raw: { width, height, channels: 3 } }).toFormat(format).toBuffer()
}

/** The top-level box types of an MP4, in order. */
export function topLevelBoxes(bytes: Uint8Array): string[] {
  const types: string[] = []
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  for (let position = 0; position + 8 <= view.length; ) {
    const size = view.readUInt32BE(position)
    types.push(view.toString('latin1', position + 4, position + 8))
    if (size < 8) break
    position += size
  }
  return types
}

/**
 * The same MP4 laid out for streaming: `ftyp`, `moov`, then an `mdat` whose size is 0 ("to the
 * end of the file"), so cutting the file leaves every box header valid and only the sample tables
 * can tell that frames are missing.
 */
export function moovFirstOpenEndedMp4(mp4: Buffer): Buffer {
  const boxes = new Map<string, Buffer>()
  const starts = new Map<string, number>()
  for (let position = 0; position + 8 <= mp4.length; ) {
    const size = mp4.readUInt32BE(position)
    const type = mp4.toString('latin1', position + 4, position + 8)
    if (!boxes.has(type)) {
      boxes.set(type, mp4.subarray(position, position + size))
      starts.set(type, position)
    }
    position += size
  }
  const ftyp = boxes.get('ftyp')!
  const moov = Buffer.from(boxes.get('moov')!)
  const mdat = Buffer.from(boxes.get('mdat')!)
  mdat.writeUInt32BE(0, 0)
  const shift = ftyp.length + moov.length - starts.get('mdat')!
  for (let at = moov.indexOf('stco'); at >= 0; at = moov.indexOf('stco', at + 4)) {
    const count = moov.readUInt32BE(at + 8)
    for (let entry = 0; entry < count; entry++) moov.writeUInt32BE(moov.readUInt32BE(at + 12 + entry * 4) + shift, at + 12 + entry * 4)
  }
  return Buffer.concat([ftyp, moov, mdat])
}
