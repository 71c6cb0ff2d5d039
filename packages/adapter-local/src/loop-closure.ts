import type { H264MP4Encoder } from 'h264-mp4-encoder'
import type { H264Settings } from './h264-settings.js'
import { readMp4AvcConfig, readMp4MediaData } from './mp4-avc-config.js'
import { evenBounds, type PixelBounds } from './rgba-to-i420.js'
import { loadTinyH264, PIC_READY, type TinyH264Module } from './tinyh264-module.js'
import { closeWasmEncoder, startWasmEncoder, type WasmClipShape } from './wasm-h264.js'

/**
 * The loop closure of the WebAssembly encoder's clips. Its P frames cannot code changes finer than
 * its finest quantiser, so once the face has moved and come back, the decoded face carries other
 * rounding than the keyframe it restarts from, and the loop point jumps. Every frame after the
 * first is therefore given the keyframe's own rounding (what the decoder shows for frame 0 minus
 * frame 0): where a frame returns to frame 0, the encoder's reference already holds the keyframe's
 * pixels and the last frame meets the first (on the dark photo the loop step went from 1.83 to 1.47
 * times the median step). A change of at most a few levels, the size of the quantiser's own error.
 */

/** Finds the keyframe's rounding of a clip's first frame, once. */
export interface KeyframeRounding {
  /**
   * What the decoder shows minus `frame` (the clip's first frame, I420), per sample; undefined when
   * it could not be found (the clip is then encoded without it). Frees the encoder it used.
   */
  of(frame: Uint8Array): Int16Array | undefined
  /** Frees the encoder without using it. */
  dispose(): void
}

/**
 * A second minih264 encoder with the clip's settings, which codes a keyframe exactly as the clip's
 * own encoder does (same settings, nothing before it), and the decoder that shows it.
 */
export async function createKeyframeRounding(shape: WasmClipShape, settings: H264Settings): Promise<KeyframeRounding> {
  const decoder = await loadTinyH264()
  let encoder: H264MP4Encoder | undefined = await startWasmEncoder(shape, settings, 1)
  const release = (): H264MP4Encoder | undefined => {
    const current = encoder
    encoder = undefined
    return current
  }
  return {
    of: (frame) => {
      const current = release()
      if (current === undefined) return undefined
      try {
        let clip: Uint8Array | undefined
        try {
          current.addFrameYuv(frame)
        } finally {
          clip = closeWasmEncoder(current, { keep: true })
        }
        return clip === undefined ? undefined : keyframeRounding(decoder, clip, frame, shape.width, shape.height)
      } catch {
        // The clip is encoded without it.
        return undefined
      }
    },
    dispose: () => {
      const current = release()
      if (current !== undefined) closeWasmEncoder(current)
    },
  }
}

/**
 * What the decoder shows minus `frame` (I420, `width` x `height`), per sample, from `mp4`: a clip
 * holding only `frame` as its keyframe. Undefined when the clip cannot be decoded.
 */
export function keyframeRounding(decoder: TinyH264Module, mp4: Uint8Array, frame: Uint8Array, width: number, height: number): Int16Array | undefined {
  const config = readMp4AvcConfig(mp4)
  const data = readMp4MediaData(mp4)
  if (config === undefined || data === undefined) return undefined
  const units = [...config.parameterSets, ...nalUnits(data, config.lengthSize)]
  const storage = decoder._h264bsdAlloc()
  const outputs = decoder._malloc(12)
  const buffer = decoder._malloc(Math.max(1, ...units.map((unit) => unit.length)))
  try {
    decoder._h264bsdInit(storage, 0)
    for (const unit of units) {
      decoder.HEAPU8.set(unit, buffer)
      if (decoder._h264bsdDecode(storage, buffer, unit.length, outputs, outputs + 4, outputs + 8) !== PIC_READY) continue
      // Memory may have grown during the call: take a fresh view.
      const view = new DataView(decoder.HEAPU8.buffer, decoder.HEAPU8.byteOffset, decoder.HEAPU8.byteLength)
      const codedWidth = view.getInt32(outputs + 4, true)
      const codedHeight = view.getInt32(outputs + 8, true)
      if (codedWidth < width || codedHeight < height) return undefined
      const picture = decoder.HEAPU8.subarray(view.getUint32(outputs, true), view.getUint32(outputs, true) + (codedWidth * codedHeight * 3) / 2)
      return planeDifference(picture, codedWidth, codedHeight, frame, width, height)
    }
    return undefined
  } finally {
    decoder._h264bsdShutdown(storage)
    decoder._h264bsdFree(storage)
    decoder._free(outputs)
    decoder._free(buffer)
  }
}

/**
 * `target` = `frame` + `rounding` (clamped to 0..255), I420, inside `region` (grown to even
 * edges; the whole frame when undefined); the rest of `target` is kept.
 */
export function addRounding(frame: Uint8Array, rounding: Int16Array, target: Uint8Array, width: number, height: number, region?: PixelBounds): Uint8Array {
  const { left, top, right, bottom } = evenBounds(width, height, region)
  // A clamped view stores values below 0 as 0 and above 255 as 255.
  const clamped = new Uint8ClampedArray(target.buffer, target.byteOffset, target.length)
  addPlane(frame, rounding, clamped, 0, width, left, right, top, bottom)
  const chroma = (width >> 1) * (height >> 1)
  for (const start of [width * height, width * height + chroma]) addPlane(frame, rounding, clamped, start, width >> 1, left >> 1, right >> 1, top >> 1, bottom >> 1)
  return target
}

function addPlane(frame: Uint8Array, rounding: Int16Array, target: Uint8ClampedArray, start: number, stride: number, left: number, right: number, top: number, bottom: number): void {
  for (let y = top; y < bottom; y++) {
    const end = start + y * stride + right
    for (let index = start + y * stride + left; index < end; index++) {
      target[index] = frame[index]! + rounding[index]!
    }
  }
}

/** Decoded planes (coded size, cropped to `width` x `height`) minus `frame`'s, as one I420 layout. */
function planeDifference(picture: Uint8Array, codedWidth: number, codedHeight: number, frame: Uint8Array, width: number, height: number): Int16Array {
  const out = new Int16Array(frame.length)
  const copy = (from: number, fromStride: number, to: number, toStride: number, rows: number): void => {
    for (let y = 0; y < rows; y++) {
      for (let x = 0; x < toStride; x++) out[to + y * toStride + x] = picture[from + y * fromStride + x]! - frame[to + y * toStride + x]!
    }
  }
  copy(0, codedWidth, 0, width, height)
  const codedChroma = (codedWidth >> 1) * (codedHeight >> 1)
  const chroma = (width >> 1) * (height >> 1)
  for (const plane of [0, 1]) copy(codedWidth * codedHeight + plane * codedChroma, codedWidth >> 1, width * height + plane * chroma, width >> 1, height >> 1)
  return out
}

/** The NAL units of a sample run (each behind a big-endian length of `lengthSize` bytes). */
function* nalUnits(bytes: Uint8Array, lengthSize: number): Generator<Uint8Array> {
  let position = 0
  while (position + lengthSize <= bytes.length) {
    let length = 0
    for (let index = 0; index < lengthSize; index++) length = length * 256 + bytes[position + index]!
    position += lengthSize
    if (length === 0 || position + length > bytes.length) return
    yield bytes.subarray(position, position + length)
    position += length
  }
}
