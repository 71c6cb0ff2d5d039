import { withoutGlobalErrorHandlers } from '@portrait-animator/core/light'
import { createRequire } from 'node:module'
import type { H264MP4Encoder } from 'h264-mp4-encoder'
import { DEFAULT_H264_SETTINGS, H264_COLOUR, h264Level, WASM_QUANTIZER, type H264Settings } from './h264-settings.js'
import { rewriteSps } from './h264-sps.js'
import { addMp4SyncSamples, rewriteMp4Sps } from './mp4-avc-config.js'
import { clearMp4Timestamps } from './mp4-boxes.js'
import { rgbaToI420, type PixelBounds } from './rgba-to-i420.js'

const require = createRequire(import.meta.url)
let nextFile = 0

/** Encodes RGBA frames to an H.264 MP4, one frame at a time. */
export interface Mp4Encoder {
  /**
   * Adds one RGBA frame (`width * height * 4` bytes); the buffer can be reused afterwards. With
   * `changed`, only that region differs from the previous frame (the first frame is always read whole).
   */
  addFrame(rgba: Uint8Array, changed?: PixelBounds): void
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
  /** Keyframe interval, quantiser and colour range; see `H264Settings` for the defaults. */
  readonly settings?: Partial<H264Settings>
}

/**
 * Starts an H.264 MP4 encoder (`h264-mp4-encoder`, WebAssembly, no ffmpeg needed). Frames are
 * converted to YUV 4:2:0 here (BT.601, 2x2-averaged chroma), encoded at a constant quantiser with
 * one keyframe per clip by default, and the stream's SPS is given the level the size and rate
 * need (3.0 for 512x512 at 24 fps) and a VUI that signals the colour range and matrix.
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
  const settings: H264Settings = { ...DEFAULT_H264_SETTINGS, quantizer: WASM_QUANTIZER, ...options.settings }
  encoder.quantizationParameter = settings.quantizer
  // kbps 0: no rate control, every frame at the same quantiser (constant quality).
  encoder.kbps = 0
  // Fastest preset: a 3 s clip must render and encode within a second on two cores.
  encoder.speed = 10
  // The encoder counts the period in a 32-bit integer: "one per clip" is simply a period no clip reaches.
  const interval = Number.isFinite(settings.keyframeInterval) ? Math.max(1, Math.round(settings.keyframeInterval)) : 1_000_000
  encoder.groupOfPictures = interval
  let frames = 0
  const yuv = new Uint8Array((options.width * options.height * 3) / 2)
  const levelIdc = h264Level(options.width, options.height, options.fps)
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
    addFrame: (rgba, changed) => {
      encoder.addFrameYuv(rgbaToI420(rgba, options.width, options.height, settings.colourRange, yuv, frames === 0 ? undefined : changed))
      frames++
    },
    finish: () => {
      encoder.finalize()
      finalized = true
      try {
        const bytes = Uint8Array.from(encoder.FS.readFile(encoder.outputFilename))
        const signalled = rewriteMp4Sps(bytes, (sps) => rewriteSps(sps, { levelIdc, fullRange: settings.colourRange === 'full', colour: H264_COLOUR }))
        const keyframes = Array.from({ length: Math.ceil(frames / interval) }, (_, index) => 1 + index * interval)
        return clearMp4Timestamps(addMp4SyncSamples(signalled, keyframes))
      } finally {
        removeFile()
        close()
      }
    },
    dispose: close,
  }
}
