import { findMp4Box, mp4Boxes, type Mp4Box } from '@portrait-animator/core'
/** Where one coded frame (an MP4 sample) sits in the file. */
export interface Mp4Sample {
  readonly offset: number
  readonly size: number
}

/** What the first video track of an MP4 holds: enough to measure it and to feed a decoder. */
export interface Mp4VideoTrack {
  /** Sample entry type: `avc1`/`avc3` for H.264, `hvc1`, `av01`, ... for others. */
  readonly codec: string
  /** Display size from the track header (`tkhd`). */
  readonly width: number
  readonly height: number
  /** Track duration from its media header (`mdhd`). */
  readonly durationSeconds: number
  /** Frames per second: sample count over duration (0 when the duration is 0). */
  readonly fps: number
  /** Coded frames, in decoding order. */
  readonly samples: readonly Mp4Sample[]
  /** H.264 only: bytes of the length prefix in front of each NAL unit (1, 2 or 4). */
  readonly nalLengthSize?: number
  /** H.264 only: the SPS then PPS NAL units from `avcC`. */
  readonly parameterSets?: readonly Uint8Array[]
  /** H.264 only: `profile_idc` (66 Baseline, 77 Main, 100 High, ...). */
  readonly profile?: number
  /** H.264 only: the constraint flags byte (`constraint_set0..5`), bit 7 first. */
  readonly profileCompatibility?: number
}

type Box = Pick<Mp4Box, 'type' | 'contentStart' | 'end'>

/** The child boxes of `[start, end)` (core's walker); a box that overruns the range ends the list. */
function* boxes(bytes: Uint8Array, start: number, end: number): Generator<Box> {
  for (const box of mp4Boxes(bytes, start, end)) {
    if (box.end > end) return
    yield box
  }
}

function child(bytes: Uint8Array, parent: Box | undefined, type: string): Box | undefined {
  return parent === undefined ? undefined : findMp4Box(bytes, parent, type)
}

/**
 * Reads the first video track of an MP4/MOV from its `moov` box: size, duration, frame rate,
 * where every coded frame is, and for H.264 the parameter sets a decoder needs first.
 * Nothing is decoded.
 * @throws RangeError when the bytes hold no readable video track.
 */
export function readMp4VideoTrack(bytes: Uint8Array): Mp4VideoTrack {
  const whole: Box = { type: 'file', contentStart: 0, end: bytes.length }
  const moov = child(bytes, whole, 'moov')
  if (moov === undefined) throw new RangeError('no complete moov box (not an MP4, or cut short)')
  for (const trak of boxes(bytes, moov.contentStart, moov.end)) {
    if (trak.type !== 'trak') continue
    const mdia = child(bytes, trak, 'mdia')
    const hdlr = child(bytes, mdia, 'hdlr')
    if (hdlr === undefined || String.fromCharCode(...bytes.subarray(hdlr.contentStart + 8, hdlr.contentStart + 12)) !== 'vide') continue
    return readTrack(bytes, trak, mdia!)
  }
  throw new RangeError('the MP4 has no video track')
}

function readTrack(bytes: Uint8Array, trak: Box, mdia: Box): Mp4VideoTrack {
  const stbl = child(bytes, child(bytes, mdia, 'minf'), 'stbl')
  const stsd = child(bytes, stbl, 'stsd')
  if (stbl === undefined || stsd === undefined) throw new RangeError('the video track has no sample table')
  const { width, height } = readTkhdSize(bytes, child(bytes, trak, 'tkhd'))
  const durationSeconds = readMdhdDuration(bytes, child(bytes, mdia, 'mdhd'))
  const samples = readSamples(bytes, stbl)
  // stsd: version/flags (4), entry count (4), then the first sample entry box.
  const entry = boxes(bytes, stsd.contentStart + 8, stsd.end).next().value
  if (entry === undefined) throw new RangeError('the video track has no sample description')
  const track = { codec: entry.type, width, height, durationSeconds, fps: durationSeconds > 0 ? samples.length / durationSeconds : 0, samples }
  // A visual sample entry has 78 bytes of fields before its child boxes (avcC, pasp, ...).
  const avcC = entry.type === 'avc1' || entry.type === 'avc3' ? child(bytes, { type: entry.type, contentStart: entry.contentStart + 78, end: entry.end }, 'avcC') : undefined
  return avcC === undefined ? track : { ...track, ...readAvcC(bytes, avcC) }
}

function readTkhdSize(bytes: Uint8Array, tkhd: Box | undefined): { width: number; height: number } {
  if (tkhd === undefined) return { width: 0, height: 0 }
  const offset = tkhd.contentStart + (bytes[tkhd.contentStart] === 1 ? 88 : 76)
  // 16.16 fixed point.
  return { width: Math.round(u32(bytes, offset) / 0x10000), height: Math.round(u32(bytes, offset + 4) / 0x10000) }
}

function readMdhdDuration(bytes: Uint8Array, mdhd: Box | undefined): number {
  if (mdhd === undefined) return 0
  const version1 = bytes[mdhd.contentStart] === 1
  const timescale = u32(bytes, mdhd.contentStart + (version1 ? 20 : 12))
  const duration = version1 ? u32(bytes, mdhd.contentStart + 24) * 0x100000000 + u32(bytes, mdhd.contentStart + 28) : u32(bytes, mdhd.contentStart + 16)
  return timescale > 0 && duration !== 0xffffffff ? duration / timescale : 0
}

function readSamples(bytes: Uint8Array, stbl: Box): Mp4Sample[] {
  const stsz = child(bytes, stbl, 'stsz')
  const stsc = child(bytes, stbl, 'stsc')
  const stco = child(bytes, stbl, 'stco')
  const co64 = child(bytes, stbl, 'co64')
  if (stsz === undefined || stsc === undefined || (stco === undefined && co64 === undefined)) throw new RangeError('the sample table is incomplete (stsz, stsc, stco)')
  const fixedSize = u32(bytes, stsz.contentStart + 4)
  const count = u32(bytes, stsz.contentStart + 8)
  const sizes = Array.from({ length: count }, (_, index) => (fixedSize !== 0 ? fixedSize : u32(bytes, stsz.contentStart + 12 + 4 * index)))
  const chunkOffsets = stco !== undefined ? readTable(bytes, stco, 4, (at) => u32(bytes, at)) : readTable(bytes, co64!, 8, (at) => u32(bytes, at) * 0x100000000 + u32(bytes, at + 4))
  const runs = readTable(bytes, stsc, 12, (at) => ({ firstChunk: u32(bytes, at), samplesPerChunk: u32(bytes, at + 4) }))
  const samples: Mp4Sample[] = []
  let run = 0
  for (let chunk = 0; chunk < chunkOffsets.length && samples.length < count; chunk++) {
    while (run + 1 < runs.length && runs[run + 1]!.firstChunk - 1 <= chunk) run++
    let offset = chunkOffsets[chunk]!
    for (let index = 0; index < (runs[run]?.samplesPerChunk ?? 0) && samples.length < count; index++) {
      const size = sizes[samples.length]!
      if (offset + size > bytes.length) throw new RangeError('a frame lies past the end of the file (cut short?)')
      samples.push({ offset, size })
      offset += size
    }
  }
  return samples
}

/** A full box's table: entry count after version/flags, then fixed-size entries. */
function readTable<T>(bytes: Uint8Array, box: Box, entrySize: number, read: (offset: number) => T): T[] {
  const count = u32(bytes, box.contentStart + 4)
  if (box.contentStart + 8 + count * entrySize > box.end) throw new RangeError(`the ${box.type} table overruns its box`)
  return Array.from({ length: count }, (_, index) => read(box.contentStart + 8 + index * entrySize))
}

function readAvcC(bytes: Uint8Array, avcC: Box): Pick<Mp4VideoTrack, 'nalLengthSize' | 'parameterSets' | 'profile' | 'profileCompatibility'> {
  const at = avcC.contentStart
  const parameterSets: Uint8Array[] = []
  let offset = at + 5
  for (const mask of [0x1f, 0xff]) {
    const count = u8(bytes, offset) & mask
    offset += 1
    for (let index = 0; index < count; index++) {
      const length = (u8(bytes, offset) << 8) | u8(bytes, offset + 1)
      if (offset + 2 + length > avcC.end) throw new RangeError('the avcC box is cut short')
      parameterSets.push(bytes.subarray(offset + 2, offset + 2 + length))
      offset += 2 + length
    }
  }
  return { profile: u8(bytes, at + 1), profileCompatibility: u8(bytes, at + 2), nalLengthSize: (u8(bytes, at + 4) & 3) + 1, parameterSets }
}

function u8(bytes: Uint8Array, offset: number): number {
  const value = bytes[offset]
  if (value === undefined) throw new RangeError('the MP4 is cut short')
  return value
}

function u32(bytes: Uint8Array, offset: number): number {
  if (offset < 0 || offset + 4 > bytes.length) throw new RangeError('the MP4 is cut short')
  return bytes[offset]! * 0x1000000 + ((bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!)
}
