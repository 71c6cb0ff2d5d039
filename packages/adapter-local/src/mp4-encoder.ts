import { withoutGlobalErrorHandlers } from '@portrait-animator/core'
import { createRequire } from 'node:module'
import type { H264MP4Encoder } from 'h264-mp4-encoder'
import { clearMp4Timestamps } from './mp4-boxes.js'

const require = createRequire(import.meta.url)
let nextFile = 0

/** Encodes RGBA frames to an H.264 MP4, one frame at a time. */
export interface Mp4Encoder {
  /** Adds one RGBA frame (`width * height * 4` bytes); the buffer can be reused afterwards. */
  addFrame(rgba: Uint8Array): void
  /** Finishes the file and returns its bytes (deterministic: no timestamps). */
  finish(): Uint8Array
  /** Frees the encoder without producing a file. */
  dispose(): void
}

/** Encoder settings. */
export interface Mp4EncoderOptions {
  /** Even number of pixels. */
  readonly width: number
  /** Even number of pixels. */
  readonly height: number
  readonly fps: number
  /**
   * H.264 quantisation parameter, 10 (best) .. 51 (smallest).
   * @default 24
   */
  readonly quantizationParameter?: number
}

/**
 * Starts an H.264 MP4 encoder (`h264-mp4-encoder`, WebAssembly, no ffmpeg needed).
 * @throws RangeError for odd dimensions, which H.264 (4:2:0) cannot hold.
 */
export async function createMp4Encoder(options: Mp4EncoderOptions): Promise<Mp4Encoder> {
  if (options.width % 2 !== 0 || options.height % 2 !== 0 || options.width < 2 || options.height < 2) {
    throw new RangeError(`H.264 needs even dimensions, got ${options.width}x${options.height}`)
  }
  const module = await withoutGlobalErrorHandlers(() => require('h264-mp4-encoder') as { createH264MP4Encoder(): Promise<H264MP4Encoder> })
  const encoder = await module.createH264MP4Encoder()
  encoder.width = options.width
  encoder.height = options.height
  encoder.frameRate = options.fps
  encoder.quantizationParameter = options.quantizationParameter ?? 24
  // Fastest preset: a 3 s clip must render and encode within 3 s on two cores.
  encoder.speed = 10
  encoder.groupOfPictures = Math.max(1, Math.round(options.fps))
  // The emscripten file system is shared by every encoder in the process: one file name each.
  encoder.outputFilename = `portrait-animator-${process.pid}-${nextFile++}.mp4`
  encoder.initialize()
  let open = true
  let finalized = false
  const removeFile = (): void => {
    try {
      encoder.FS.unlink(encoder.outputFilename)
    } catch {
      // Already gone.
    }
  }
  const close = (): void => {
    if (!open) return
    open = false
    // The wasm encoder complains on stdout when deleted unfinished: finish it and drop the file.
    if (!finalized) {
      try {
        encoder.finalize()
      } catch {
        // Nothing to keep.
      }
      removeFile()
    }
    encoder.delete()
  }
  return {
    addFrame: (rgba) => encoder.addFrameRgba(rgba),
    finish: () => {
      encoder.finalize()
      finalized = true
      try {
        const bytes = Uint8Array.from(encoder.FS.readFile(encoder.outputFilename))
        return clearMp4Timestamps(bytes)
      } finally {
        removeFile()
        close()
      }
    },
    dispose: close,
  }
}
