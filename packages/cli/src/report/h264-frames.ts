import { loadTinyH264, PIC_READY, type TinyH264Module } from '@portrait-animator/adapter-local'
import { isBaseline, parseAvcConfig, profileName } from './avc-config.js'
import type { VideoTrackFacts } from './media-container.js'

/** One decoded picture in I420 (planar YUV 4:2:0, BT.601 limited range as H.264 encoders write it). */
export interface DecodedFrame {
  /** 0 for the first picture shown. */
  readonly index: number
  /** When it is shown, in seconds. */
  readonly timestamp: number
  /** Size of the picture to show: the track's display size, at most the coded size. */
  readonly width: number
  readonly height: number
  /** Rows of `planes` are this wide (the Y plane; U and V are half as wide). */
  readonly codedWidth: number
  readonly codedHeight: number
  /**
   * Y plane (`codedWidth * codedHeight`), then U and V (a quarter each). May be a view into
   * decoder memory, valid only during the `onFrame` call: copy what you keep.
   */
  readonly planes: Uint8Array
}

/** Options of the frame decoders. */
export interface DecodeFramesOptions {
  /** Called for every picture, in display order. */
  readonly onFrame: (frame: DecodedFrame) => void
  /** Stop after this many pictures. @default Infinity */
  readonly maxFrames?: number
  readonly signal?: AbortSignal
}

/** What a decode run did. */
export interface DecodeSummary {
  /** Pictures decoded (and passed to `onFrame`). */
  readonly frames: number
  /** Samples the decoder refused (corrupt or unsupported slices). */
  readonly errors: number
}

/** Why tinyh264 cannot decode this track, or `undefined` when it can. */
export function baselineUndecodableReason(video: VideoTrackFacts): string | undefined {
  if (video.codec !== 'avc') return `the video is ${video.codecString ?? video.codec ?? 'an unknown codec'}, not H.264`
  const description = video.decoderConfig?.description
  if (description === undefined) return 'the H.264 track has no avcC parameter sets'
  const config = parseAvcConfig(description)
  if (!isBaseline(config)) return `H.264 ${profileName(config.profile)} profile: tinyh264 (h264bsd) reads Baseline only`
  return undefined
}

/**
 * Decodes a Baseline H.264 track in Node with tinyh264 (h264bsd compiled to WebAssembly,
 * Apache-2.0: no ffmpeg, no native code). Baseline has no B-frames, so pictures come out in
 * display order. See `baselineUndecodableReason` for what it refuses.
 *
 * @throws Error when the track cannot be decoded or yields no picture at all.
 * @example
 * ```ts
 * const { video } = await readMediaContainer(bytes)
 * await decodeBaselineFrames(video!, { onFrame: (frame) => console.log(frame.index, frame.width) })
 * ```
 */
export async function decodeBaselineFrames(video: VideoTrackFacts, options: DecodeFramesOptions): Promise<DecodeSummary> {
  const reason = baselineUndecodableReason(video)
  if (reason !== undefined) throw new Error(reason)
  const config = parseAvcConfig(video.decoderConfig!.description!)
  const module = await loadTinyH264()
  const decoder = new H264Decoder(module)
  const maxFrames = options.maxFrames ?? Number.POSITIVE_INFINITY
  let frames = 0
  let errors = 0
  let samples = 0
  try {
    for (const parameterSet of config.parameterSets) decoder.decode(parameterSet)
    for await (const packet of video.packets()) {
      if (frames >= maxFrames) break
      // Let timers and Ctrl-C through on long clips.
      if (samples++ % 16 === 15) await new Promise((resolve) => setImmediate(resolve))
      options.signal?.throwIfAborted()
      let decodedInSample = false
      for (const unit of nalUnits(packet.data, config.nalLengthSize)) {
        const picture = decoder.decode(unit)
        if (picture === undefined || frames >= maxFrames) continue
        decodedInSample = true
        const width = Math.min(video.width || picture.codedWidth, picture.codedWidth)
        const height = Math.min(video.height || picture.codedHeight, picture.codedHeight)
        options.onFrame({ index: frames++, timestamp: packet.timestamp, width, height, ...picture })
      }
      if (!decodedInSample) errors++
    }
  } finally {
    decoder.release()
  }
  if (frames === 0) throw new Error(`the decoder produced no picture from ${samples} frames`)
  return { frames, errors }
}

/** The NAL units of one sample (each behind a big-endian length of `lengthSize` bytes). */
function* nalUnits(bytes: Uint8Array, lengthSize: number): Generator<Uint8Array> {
  const end = bytes.length
  let position = 0
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
