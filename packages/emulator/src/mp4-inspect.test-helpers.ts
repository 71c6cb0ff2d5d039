/** What a test needs to know to say an MP4 "plays": one H.264 video track, its size and frames. */
export interface Mp4Summary {
  /** Top-level box types in order (`ftyp`, `moov`, `mdat`, maybe `free`). */
  readonly topLevel: readonly string[]
  readonly majorBrand: string
  /** From `tkhd` (16.16 fixed point, integer part). */
  readonly width: number
  readonly height: number
  /** Sample entry (`avc1`) and its own width and height. */
  readonly codec: string
  readonly codedWidth: number
  readonly codedHeight: number
  /** Frames, from `stsz`. */
  readonly sampleCount: number
  /** From `mdhd`. */
  readonly durationSeconds: number
  /** NAL unit types of the first sample (5 = IDR, a decodable key frame). */
  readonly firstSampleNalTypes: readonly number[]
  /** Whether `avcC` carries at least one SPS and one PPS. */
  readonly hasParameterSets: boolean
}

interface Box {
  readonly type: string
  readonly start: number
  readonly bodyStart: number
  readonly end: number
}

function children(bytes: Buffer, start: number, end: number): Box[] {
  const found: Box[] = []
  let offset = start
  while (offset + 8 <= end) {
    let size = bytes.readUInt32BE(offset)
    let header = 8
    if (size === 1) {
      size = Number(bytes.readBigUInt64BE(offset + 8))
      header = 16
    } else if (size === 0) {
      size = end - offset
    }
    if (size < header || offset + size > end) throw new Error(`Broken box at ${offset}`)
    found.push({ type: bytes.toString('latin1', offset + 4, offset + 8), start: offset, bodyStart: offset + header, end: offset + size })
    offset += size
  }
  if (offset !== end) throw new Error(`Trailing bytes after box at ${offset}`)
  return found
}

function child(bytes: Buffer, parent: Box, type: string): Box {
  const box = children(bytes, parent.bodyStart, parent.end).find((candidate) => candidate.type === type)
  if (!box) throw new Error(`No ${type} in ${parent.type}`)
  return box
}

/** Parses an MP4's boxes and checks the structure a player needs. Throws on a malformed file. */
export function inspectMp4(bytes: Buffer): Mp4Summary {
  const top = children(bytes, 0, bytes.length)
  const ftyp = top.find((box) => box.type === 'ftyp')
  const moov = top.find((box) => box.type === 'moov')
  const mdat = top.find((box) => box.type === 'mdat')
  if (!ftyp || !moov || !mdat) throw new Error(`Missing ftyp/moov/mdat: ${top.map((box) => box.type).join(',')}`)
  const trak = child(bytes, moov, 'trak')
  const tkhd = child(bytes, trak, 'tkhd')
  const tkhdVersion = bytes[tkhd.bodyStart]
  const dimensionsAt = tkhd.bodyStart + (tkhdVersion === 1 ? 88 : 76)
  const mdia = child(bytes, trak, 'mdia')
  const mdhd = child(bytes, mdia, 'mdhd')
  const mdhdVersion = bytes[mdhd.bodyStart]
  const timescale = bytes.readUInt32BE(mdhd.bodyStart + (mdhdVersion === 1 ? 20 : 12))
  const duration = mdhdVersion === 1 ? Number(bytes.readBigUInt64BE(mdhd.bodyStart + 24)) : bytes.readUInt32BE(mdhd.bodyStart + 16)
  const stbl = child(bytes, child(bytes, mdia, 'minf'), 'stbl')
  const stsd = child(bytes, stbl, 'stsd')
  const entry = children(bytes, stsd.bodyStart + 8, stsd.end)[0]
  if (!entry) throw new Error('Empty stsd')
  const avcC = children(bytes, entry.bodyStart + 78, entry.end).find((box) => box.type === 'avcC')
  let hasParameterSets = false
  let lengthSize = 4
  if (avcC) {
    lengthSize = ((bytes[avcC.bodyStart + 4] ?? 3) & 0x3) + 1
    const spsCount = (bytes[avcC.bodyStart + 5] ?? 0) & 0x1f
    const spsLength = bytes.readUInt16BE(avcC.bodyStart + 6)
    const ppsCount = bytes[avcC.bodyStart + 8 + spsLength] ?? 0
    hasParameterSets = spsCount > 0 && ppsCount > 0
  }
  const stsz = child(bytes, stbl, 'stsz')
  const fixedSize = bytes.readUInt32BE(stsz.bodyStart + 4)
  const sampleCount = bytes.readUInt32BE(stsz.bodyStart + 8)
  const firstSize = fixedSize || bytes.readUInt32BE(stsz.bodyStart + 12)
  const chunkOffsets = children(bytes, stbl.bodyStart, stbl.end).find((box) => box.type === 'stco' || box.type === 'co64')
  if (!chunkOffsets) throw new Error('No stco/co64')
  const firstOffset =
    chunkOffsets.type === 'stco' ? bytes.readUInt32BE(chunkOffsets.bodyStart + 8) : Number(bytes.readBigUInt64BE(chunkOffsets.bodyStart + 8))
  if (firstOffset < mdat.bodyStart || firstOffset + firstSize > mdat.end) throw new Error('First sample is outside mdat')
  const nalTypes: number[] = []
  for (let offset = firstOffset; offset + lengthSize <= firstOffset + firstSize; ) {
    const length = bytes.readUIntBE(offset, lengthSize)
    nalTypes.push((bytes[offset + lengthSize] ?? 0) & 0x1f)
    offset += lengthSize + length
  }
  return {
    topLevel: top.map((box) => box.type),
    majorBrand: bytes.toString('latin1', ftyp.bodyStart, ftyp.bodyStart + 4),
    width: bytes.readUInt16BE(dimensionsAt),
    height: bytes.readUInt16BE(dimensionsAt + 4),
    codec: entry.type,
    codedWidth: bytes.readUInt16BE(entry.bodyStart + 24),
    codedHeight: bytes.readUInt16BE(entry.bodyStart + 26),
    sampleCount,
    durationSeconds: timescale > 0 ? duration / timescale : 0,
    firstSampleNalTypes: nalTypes,
    hasParameterSets,
  }
}
