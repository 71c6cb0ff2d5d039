import { DEFAULT_H264_SETTINGS, H264_COLOUR, h264Level, WASM_QUANTIZER, type H264Settings } from './h264-settings.js'
import { rewriteSps } from './h264-sps.js'
import { addMp4SyncSamples, rewriteMp4Sps } from './mp4-avc-config.js'
import { clearMp4Timestamps } from './mp4-boxes.js'
import { addRounding, createKeyframeRounding, type KeyframeRounding } from './loop-closure.js'
import { rgbaToI420, type PixelBounds } from './rgba-to-i420.js'
import { closeWasmEncoder, startWasmEncoder } from './wasm-h264.js'

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
  const settings: H264Settings = { ...DEFAULT_H264_SETTINGS, quantizer: WASM_QUANTIZER, ...options.settings }
  // The encoder counts the period in a 32-bit integer: "one per clip" is simply a period no clip reaches.
  const oneKeyframe = !Number.isFinite(settings.keyframeInterval)
  const interval = oneKeyframe ? 1_000_000 : Math.max(1, Math.round(settings.keyframeInterval))
  const encoder = await startWasmEncoder(options, settings, interval)
  // With one keyframe per clip, later frames are given its rounding so the loop meets it
  // (loop-closure.ts); a clip is still made, with the jump, when the decoder cannot be loaded.
  let closure: KeyframeRounding | undefined = oneKeyframe ? await createKeyframeRounding(options, settings).catch(() => undefined) : undefined
  let rounding: Int16Array | undefined
  let frames = 0
  const yuv = new Uint8Array((options.width * options.height * 3) / 2)
  const input = new Uint8Array(yuv.length)
  const levelIdc = h264Level(options.width, options.height, options.fps)
  let open = true
  const close = (): void => {
    if (!open) return
    open = false
    closure?.dispose()
    closeWasmEncoder(encoder)
  }
  return {
    addFrame: (rgba, changed) => {
      const region = frames <= 1 ? undefined : changed
      rgbaToI420(rgba, options.width, options.height, settings.colourRange, yuv, region)
      if (frames === 0) {
        encoder.addFrameYuv(yuv)
        rounding = closure?.of(yuv)
        closure = undefined
      } else {
        encoder.addFrameYuv(rounding === undefined ? yuv : addRounding(yuv, rounding, input, options.width, options.height, region))
      }
      frames++
    },
    finish: () => {
      encoder.finalize()
      open = false
      closure?.dispose()
      const bytes = closeWasmEncoder(encoder, { finished: true, keep: true })!
      const signalled = rewriteMp4Sps(bytes, (sps) => rewriteSps(sps, { levelIdc, fullRange: settings.colourRange === 'full', colour: H264_COLOUR }))
      const keyframes = Array.from({ length: Math.ceil(frames / interval) }, (_, index) => 1 + index * interval)
      return clearMp4Timestamps(addMp4SyncSamples(signalled, keyframes))
    },
    dispose: close,
  }
}

