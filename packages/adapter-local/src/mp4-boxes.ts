/** What an MP4 file says about its first video track. */
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

interface Box {
  readonly type: string
  /** Offset of the box header. */
  readonly start: number
  /** Offset of the box's content (after its header). */
  readonly content: number
  readonly end: number
}

const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'edts', 'dinf', 'mvex', 'moof', 'traf'])

function* boxes(bytes: Uint8Array, start: number, end: number): Generator<Box> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let offset = start
  while (offset + 8 <= end) {
    let size = view.getUint32(offset)
    const type = String.fromCharCode(bytes[offset + 4]!, bytes[offset + 5]!, bytes[offset + 6]!, bytes[offset + 7]!)
    let header = 8
    if (size === 1) {
      size = Number(view.getBigUint64(offset + 8))
      header = 16
    } else if (size === 0) {
      size = end - offset
    }
    if (size < header || offset + size > end) throw new RangeError(`malformed MP4 box ${JSON.stringify(type)} at ${offset}`)
    yield { type, start: offset, content: offset + header, end: offset + size }
    offset += size
  }
}

function* allBoxes(bytes: Uint8Array, start = 0, end = bytes.byteLength): Generator<Box> {
  for (const box of boxes(bytes, start, end)) {
    yield box
    if (CONTAINERS.has(box.type)) yield* allBoxes(bytes, box.content, box.end)
  }
}

/**
 * Sets the creation and modification times of `mvhd`, `tkhd` and `mdhd` to zero (in place), so
 * the same frames always give the same bytes.
 */
export function clearMp4Timestamps(bytes: Uint8Array): Uint8Array {
  for (const box of allBoxes(bytes)) {
    if (box.type !== 'mvhd' && box.type !== 'tkhd' && box.type !== 'mdhd') continue
    const version = bytes[box.content]
    // version 0: two 32-bit times after version and flags; version 1: two 64-bit times.
    bytes.fill(0, box.content + 4, box.content + 4 + (version === 1 ? 16 : 8))
  }
  return bytes
}

/**
 * Reads codec, size, frame count and duration of the first video track of an MP4 without
 * decoding it.
 * @throws RangeError when the file is not an MP4 with a video track.
 */
export function readMp4Summary(bytes: Uint8Array): Mp4Summary {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  for (const trak of allBoxes(bytes)) {
    if (trak.type !== 'trak') continue
    let width = 0
    let height = 0
    let frameCount = -1
    let durationSeconds = 0
    let codec = ''
    let video = false
    for (const box of allBoxes(bytes, trak.content, trak.end)) {
      if (box.type === 'tkhd') {
        // Width and height are the last two 16.16 fixed-point fields.
        width = view.getUint32(box.end - 8) / 65536
        height = view.getUint32(box.end - 4) / 65536
      } else if (box.type === 'mdhd') {
        const version = bytes[box.content]
        const timescale = view.getUint32(box.content + (version === 1 ? 20 : 12))
        const duration = version === 1 ? Number(view.getBigUint64(box.content + 24)) : view.getUint32(box.content + 16)
        durationSeconds = timescale > 0 ? duration / timescale : 0
      } else if (box.type === 'hdlr') {
        video = String.fromCharCode(...bytes.subarray(box.content + 8, box.content + 12)) === 'vide'
      } else if (box.type === 'stsd') {
        codec = String.fromCharCode(...bytes.subarray(box.content + 12, box.content + 16))
      } else if (box.type === 'stsz') {
        frameCount = view.getUint32(box.content + 8)
      }
    }
    if (!video || frameCount < 0) continue
    return { codec, width, height, frameCount, durationSeconds, fps: durationSeconds > 0 ? frameCount / durationSeconds : 0 }
  }
  throw new RangeError('no video track found in the MP4')
}
