import { ascii, u32be, u64be } from './byte-reader.js'
import { mp4Boxes, type Mp4Box } from './mp4-boxes.js'

/** What an MP4 file says about its first video track, read from box headers without decoding. */
export interface Mp4Summary {
  /** Sample entry of the video track, e.g. `avc1` for H.264. */
  readonly codec: string
  readonly width: number
  readonly height: number
  /** Number of video frames (samples in the track's `stsz` box). */
  readonly frameCount: number
  /** Track duration in seconds, from its `mdhd` box. */
  readonly durationSeconds: number
  /** Frames per second (frame count over duration). */
  readonly fps: number
}

/** Boxes that hold other boxes, walked by `allMp4Boxes`. */
const CONTAINERS: ReadonlySet<string> = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'edts', 'dinf', 'mvex', 'moof', 'traf'])

/** Every box under `start..end`, depth first, descending into container boxes. */
export function* allMp4Boxes(bytes: Uint8Array, start = 0, end = bytes.length): Generator<Mp4Box> {
  for (const box of mp4Boxes(bytes, start, end)) {
    if (box.end > end) throw new RangeError(`malformed MP4: box "${box.type}" at ${box.start} runs past its parent`)
    yield box
    if (CONTAINERS.has(box.type)) yield* allMp4Boxes(bytes, box.contentStart, box.end)
  }
}

/**
 * Reads codec, size, frame count, duration and frame rate of the first video track of an MP4.
 *
 * @example
 * ```ts
 * const { frameCount, width, height } = readMp4Summary(await result.output.bytes())
 * ```
 * @throws RangeError when the bytes are not an MP4 with a video track.
 */
export function readMp4Summary(bytes: Uint8Array): Mp4Summary {
  for (const trak of allMp4Boxes(bytes)) {
    if (trak.type !== 'trak') continue
    let width = 0
    let height = 0
    let frameCount = -1
    let durationSeconds = 0
    let codec = ''
    let video = false
    for (const box of allMp4Boxes(bytes, trak.contentStart, trak.end)) {
      const content = box.contentStart
      if (box.type === 'tkhd') {
        // Width and height are the last two 16.16 fixed-point fields.
        width = (u32be(bytes, box.end - 8) ?? 0) / 65536
        height = (u32be(bytes, box.end - 4) ?? 0) / 65536
      } else if (box.type === 'mdhd') {
        const version = bytes[content]
        const timescale = u32be(bytes, content + (version === 1 ? 20 : 12)) ?? 0
        const duration = (version === 1 ? u64be(bytes, content + 24) : u32be(bytes, content + 16)) ?? 0
        durationSeconds = timescale > 0 ? duration / timescale : 0
      } else if (box.type === 'hdlr') {
        video = ascii(bytes, content + 8, 4) === 'vide'
      } else if (box.type === 'stsd') {
        codec = ascii(bytes, content + 12, 4) ?? ''
      } else if (box.type === 'stsz') {
        frameCount = u32be(bytes, content + 8) ?? -1
      }
    }
    if (!video || frameCount < 0) continue
    return { codec, width, height, frameCount, durationSeconds, fps: durationSeconds > 0 ? frameCount / durationSeconds : 0 }
  }
  throw new RangeError('no video track found in the MP4')
}
