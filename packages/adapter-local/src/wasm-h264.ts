import { withoutGlobalErrorHandlers } from '@portrait-animator/core/light'
import { createRequire } from 'node:module'
import type { H264MP4Encoder } from 'h264-mp4-encoder'
import type { H264Settings } from './h264-settings.js'

const require = createRequire(import.meta.url)
let nextFile = 0

/** Size and rate of a clip. */
export interface WasmClipShape {
  readonly width: number
  readonly height: number
  readonly fps: number
}

/** A new minih264 encoder (`h264-mp4-encoder`), started with the clip settings and writing to a file name of its own. */
export async function startWasmEncoder(shape: WasmClipShape, settings: H264Settings, keyframeInterval: number): Promise<H264MP4Encoder> {
  const module = await withoutGlobalErrorHandlers(() => require('h264-mp4-encoder') as { createH264MP4Encoder(): Promise<H264MP4Encoder> })
  const encoder = await module.createH264MP4Encoder()
  encoder.width = shape.width
  encoder.height = shape.height
  encoder.frameRate = shape.fps
  encoder.quantizationParameter = settings.quantizer
  // kbps 0: no rate control, every frame at the same quantiser (constant quality).
  encoder.kbps = 0
  // Fastest preset: a 3 s clip must render and encode within a second on two cores.
  encoder.speed = 10
  encoder.groupOfPictures = keyframeInterval
  // The emscripten file system is shared by every encoder in the process: one file name each.
  encoder.outputFilename = `portrait-animator-${process.pid}-${nextFile++}.mp4`
  encoder.initialize()
  return encoder
}

/**
 * Finishes `encoder` (unless `finished`; deleted unfinished it complains on stdout), removes its
 * file and frees it. Returns the file's bytes when `keep`.
 */
export function closeWasmEncoder(encoder: H264MP4Encoder, options: { readonly finished?: boolean; readonly keep?: boolean } = {}): Uint8Array | undefined {
  let bytes: Uint8Array | undefined
  try {
    if (options.finished !== true) encoder.finalize()
    if (options.keep === true) bytes = Uint8Array.from(encoder.FS.readFile(encoder.outputFilename))
  } finally {
    try {
      encoder.FS.unlink(encoder.outputFilename)
    } catch {
      // Already gone.
    }
    encoder.delete()
  }
  return bytes
}
