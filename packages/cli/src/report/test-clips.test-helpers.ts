import { createRequire } from 'node:module'
import type { H264MP4Encoder } from 'h264-mp4-encoder'

const require = createRequire(import.meta.url)
let nextFile = 0

/** What a test clip looks like. */
export interface TestClipOptions {
  /** Even number of pixels. */
  readonly width: number
  readonly height: number
  readonly frames: number
  /** @default 12 */
  readonly fps?: number
  /** RGBA pixels of frame `index` (`width * height * 4` bytes). */
  readonly draw: (index: number) => Uint8Array
}

/**
 * Encodes frames to a real H.264 MP4 with `h264-mp4-encoder` (x264 in WebAssembly, the encoder
 * adapter-local uses; Baseline profile at its fastest speed).
 */
export async function encodeTestClip(options: TestClipOptions): Promise<Uint8Array> {
  const module = require('h264-mp4-encoder') as { createH264MP4Encoder(): Promise<H264MP4Encoder> }
  const encoder = await module.createH264MP4Encoder()
  encoder.width = options.width
  encoder.height = options.height
  encoder.frameRate = options.fps ?? 12
  encoder.quantizationParameter = 18
  encoder.speed = 10
  encoder.groupOfPictures = options.fps ?? 12
  encoder.outputFilename = `cli-test-${process.pid}-${nextFile++}.mp4`
  encoder.initialize()
  for (let index = 0; index < options.frames; index++) encoder.addFrameRgba(options.draw(index))
  encoder.finalize()
  const bytes = Uint8Array.from(encoder.FS.readFile(encoder.outputFilename))
  encoder.FS.unlink(encoder.outputFilename)
  encoder.delete()
  return bytes
}

/** A frame of one colour. */
export function solidFrame(width: number, height: number, red: number, green: number, blue: number): Uint8Array {
  const pixels = new Uint8Array(width * height * 4)
  for (let offset = 0; offset < pixels.length; offset += 4) {
    pixels[offset] = red
    pixels[offset + 1] = green
    pixels[offset + 2] = blue
    pixels[offset + 3] = 255
  }
  return pixels
}

/** A grey frame with a white square whose left edge is at `left`: move it to make motion. */
export function squareFrame(width: number, height: number, left: number, side = 16): Uint8Array {
  const pixels = solidFrame(width, height, 60, 60, 60)
  for (let y = (height - side) >> 1; y < ((height + side) >> 1); y++) {
    for (let x = left; x < Math.min(width, left + side); x++) pixels.fill(255, (y * width + x) * 4, (y * width + x) * 4 + 3)
  }
  return pixels
}

/** Sets the avcC profile byte (and the SPS's own copy) to `profile`, clearing the constraint flags. */
export function withProfile(bytes: Uint8Array, profile: number): Uint8Array {
  const copy = bytes.slice()
  const avcC = Buffer.from(copy).indexOf('avcC')
  copy[avcC + 5] = profile
  copy[avcC + 6] = 0
  // The first SPS starts after: version, profile, compat, level, length size, SPS count, SPS length (2).
  copy[avcC + 4 + 8 + 1] = profile
  return copy
}
