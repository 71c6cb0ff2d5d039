import type { Mp4VideoTrack } from './mp4-video-track.js'
import { loadTinyH264, PIC_READY, type TinyH264Module } from './tinyh264-module.js'

/** One decoded picture in I420 (planar YUV 4:2:0, BT.601 limited range as H.264 encoders write it). */
export interface DecodedFrame {
  /** 0 for the first picture. */
  readonly index: number
  /** Size of the picture to show: the track's display size, at most the coded size. */
  readonly width: number
  readonly height: number
  /** Coded size (whole 16-pixel macroblocks); rows of `planes` are this wide. */
  readonly codedWidth: number
  readonly codedHeight: number
  /**
   * Y plane (`codedWidth * codedHeight`), then U and V (a quarter each). A view into decoder
   * memory, valid only during the `onFrame` call: copy what you keep.
   */
  readonly planes: Uint8Array
}

/** Options of `decodeH264Frames`. */
export interface DecodeH264Options {
  /** Called for every picture, in display order (Baseline streams have no reordering). */
  readonly onFrame: (frame: DecodedFrame) => void
  /** Stop after this many pictures. @default Infinity */
  readonly maxFrames?: number
  readonly signal?: AbortSignal
}

/** What a decode run did. */
export interface DecodeH264Summary {
  /** Pictures decoded (and passed to `onFrame`). */
  readonly frames: number
  /** Samples the decoder refused (corrupt or unsupported slices). */
  readonly errors: number
}

/** Why a track cannot be decoded here, or `undefined` when it can. */
export function undecodableReason(track: Mp4VideoTrack): string | undefined {
  if (track.codec !== 'avc1' && track.codec !== 'avc3') return `the video is ${track.codec}, not H.264`
  if (track.parameterSets === undefined || track.nalLengthSize === undefined) return 'the H.264 track has no avcC parameter sets'
  // constraint_set0_flag (0x80): the stream keeps to Baseline whatever profile it names.
  if (track.profile !== 66 && ((track.profileCompatibility ?? 0) & 0x80) === 0) return `H.264 ${profileName(track.profile)} profile: the built-in decoder (h264bsd) reads Baseline only`
  return undefined
}

/**
 * Decodes the H.264 frames of an MP4 video track in Node with tinyh264 (h264bsd compiled to
 * WebAssembly: no ffmpeg, no native code). Baseline profile only; see `undecodableReason`.
 *
 * @throws Error when the track cannot be decoded or yields no picture at all.
 * @example
 * ```ts
 * const track = readMp4VideoTrack(bytes)
 * await decodeH264Frames(bytes, track, { onFrame: (frame) => console.log(frame.index, frame.width) })
 * ```
 */
export async function decodeH264Frames(bytes: Uint8Array, track: Mp4VideoTrack, options: DecodeH264Options): Promise<DecodeH264Summary> {
  const reason = undecodableReason(track)
  if (reason !== undefined) throw new Error(reason)
  const module = await loadTinyH264()
  const decoder = new H264Decoder(module)
  const maxFrames = options.maxFrames ?? Number.POSITIVE_INFINITY
  let frames = 0
  let errors = 0
  try {
    for (const parameterSet of track.parameterSets!) decoder.decode(parameterSet)
    for (const [sampleIndex, sample] of track.samples.entries()) {
      if (frames >= maxFrames) break
      // Let timers and Ctrl-C through on long clips.
      if (sampleIndex % 16 === 15) await new Promise((resolve) => setImmediate(resolve))
      options.signal?.throwIfAborted()
      let decodedInSample = false
      for (const unit of nalUnits(bytes, sample.offset, sample.size, track.nalLengthSize!)) {
        const picture = decoder.decode(unit)
        if (picture === undefined || frames >= maxFrames) continue
        decodedInSample = true
        const width = Math.min(track.width || picture.codedWidth, picture.codedWidth)
        const height = Math.min(track.height || picture.codedHeight, picture.codedHeight)
        options.onFrame({ index: frames++, width, height, ...picture })
      }
      if (!decodedInSample) errors++
    }
  } finally {
    decoder.release()
  }
  if (frames === 0) throw new Error(`the decoder produced no picture from ${track.samples.length} frames`)
  return { frames, errors }
}

/** The NAL units of one sample (each behind a big-endian length of `lengthSize` bytes). */
function* nalUnits(bytes: Uint8Array, offset: number, size: number, lengthSize: number): Generator<Uint8Array> {
  const end = offset + size
  let position = offset
  while (position + lengthSize <= end) {
    let length = 0
    for (let index = 0; index < lengthSize; index++) length = length * 256 + bytes[position + index]!
    position += lengthSize
    if (length === 0 || position + length > end) return
    yield bytes.subarray(position, position + length)
    position += length
  }
}

/** One h264bsd decoder instance inside the shared WebAssembly module. */
class H264Decoder {
  private readonly storage: number
  private readonly outputs: number
  private buffer = 0
  private bufferSize = 0

  constructor(private readonly module: TinyH264Module) {
    this.storage = module._h264bsdAlloc()
    // Three 32-bit outputs: picture pointer, width, height.
    this.outputs = module._malloc(12)
    module._h264bsdInit(this.storage, 0)
  }

  /** Feeds one NAL unit; returns the picture when one is complete. */
  decode(unit: Uint8Array): { codedWidth: number; codedHeight: number; planes: Uint8Array } | undefined {
    if (unit.length > this.bufferSize) {
      if (this.buffer !== 0) this.module._free(this.buffer)
      this.bufferSize = Math.max(unit.length, 64 * 1024)
      this.buffer = this.module._malloc(this.bufferSize)
    }
    this.module.HEAPU8.set(unit, this.buffer)
    const code = this.module._h264bsdDecode(this.storage, this.buffer, unit.length, this.outputs, this.outputs + 4, this.outputs + 8)
    if (code !== PIC_READY) return undefined
    // Memory may have grown during the call: take a fresh view.
    const heap = this.module.HEAPU8
    const view = new DataView(heap.buffer, heap.byteOffset, heap.byteLength)
    const picture = view.getUint32(this.outputs, true)
    const codedWidth = view.getInt32(this.outputs + 4, true)
    const codedHeight = view.getInt32(this.outputs + 8, true)
    return { codedWidth, codedHeight, planes: heap.subarray(picture, picture + (codedWidth * codedHeight * 3) / 2) }
  }

  release(): void {
    this.module._h264bsdShutdown(this.storage)
    this.module._h264bsdFree(this.storage)
    this.module._free(this.outputs)
    if (this.buffer !== 0) this.module._free(this.buffer)
  }
}

function profileName(profile: number | undefined): string {
  switch (profile) {
    case 77:
      return 'Main'
    case 88:
      return 'Extended'
    case 100:
      return 'High'
    case 110:
      return 'High 10'
    case 122:
      return 'High 4:2:2'
    case 244:
      return 'High 4:4:4'
    default:
      return `profile_idc ${profile ?? '?'}`
  }
}
