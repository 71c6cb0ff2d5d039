import { ascii, u32be, u64be } from './byte-reader.js'

/** One ISO base media (MP4/MOV/M4A) box: where its content starts and ends. */
export interface Mp4Box {
  readonly type: string
  /** Offset of the box header. */
  readonly start: number
  /** Offset of the first content byte. */
  readonly contentStart: number
  /** Offset just past the box, as declared (may lie past the end of the bytes when cut short). */
  readonly end: number
}

/** The boxes between `start` and `end`, in order; stops at a header that is cut short or corrupt. */
export function* mp4Boxes(bytes: Uint8Array, start: number, end: number): Generator<Mp4Box> {
  let position = start
  while (position + 8 <= end) {
    const size32 = u32be(bytes, position)!
    const type = ascii(bytes, position + 4, 4)!
    let contentStart = position + 8
    let size = size32
    if (size32 === 1) {
      const size64 = u64be(bytes, position + 8)
      if (size64 === undefined) return
      size = size64
      contentStart = position + 16
    } else if (size32 === 0) {
      size = end - position // "extends to the end of the file"
    }
    if (size < contentStart - position) return
    yield { type, start: position, contentStart, end: position + size }
    position += size
  }
}

/** The first child box of `type` inside `parent`, if any. */
export function findMp4Box(bytes: Uint8Array, parent: Pick<Mp4Box, 'contentStart' | 'end'>, type: string): Mp4Box | undefined {
  for (const box of mp4Boxes(bytes, parent.contentStart, Math.min(parent.end, bytes.length))) {
    if (box.type === type) return box
  }
  return undefined
}

/** What the `moov` box says about a file. */
export interface Mp4Facts {
  readonly durationSeconds?: number
  /** Display size of the first video track, from its `tkhd`. */
  readonly width?: number
  readonly height?: number
  /** True when a top-level box declares more bytes than the file has. */
  readonly truncated: boolean
}

/** The `ftyp` major brand (`isom`, `qt  `, `M4A `, ...) and compatible brands, when the file starts with one. */
export function ftypBrands(bytes: Uint8Array): readonly string[] | undefined {
  if (ascii(bytes, 4, 4) !== 'ftyp') return undefined
  const size = u32be(bytes, 0)!
  const end = Math.min(size >= 16 ? size : 16, bytes.length)
  const brands: string[] = []
  const major = ascii(bytes, 8, 4)
  if (major === undefined) return brands
  brands.push(major)
  for (let position = 16; position + 4 <= end; position += 4) brands.push(ascii(bytes, position, 4)!)
  return brands
}

/**
 * The handler types (`vide`, `soun`, `hint`, ...) of the tracks in `moov`, in order, or `undefined`
 * when there is no complete `moov` box.
 */
export function mp4TrackKinds(bytes: Uint8Array): readonly string[] | undefined {
  const moov = findTopLevelMoov(bytes)
  if (moov === undefined || moov.end > bytes.length) return undefined
  const kinds: string[] = []
  for (const trak of mp4Boxes(bytes, moov.contentStart, moov.end)) {
    if (trak.type !== 'trak') continue
    const mdia = findMp4Box(bytes, trak, 'mdia')
    const hdlr = mdia === undefined ? undefined : findMp4Box(bytes, mdia, 'hdlr')
    const kind = hdlr === undefined ? undefined : ascii(bytes, hdlr.contentStart + 8, 4)
    if (kind !== undefined) kinds.push(kind)
  }
  return kinds
}

function findTopLevelMoov(bytes: Uint8Array): Mp4Box | undefined {
  for (const box of mp4Boxes(bytes, 0, bytes.length)) if (box.type === 'moov') return box
  return undefined
}

/**
 * Reads duration (`mvhd`) and the first video track's size (`tkhd`) without touching media data.
 * The `moov` box may sit before or after `mdat`; only box headers are read on the way.
 */
export function readMp4Facts(bytes: Uint8Array): Mp4Facts {
  let truncated = false
  let moov: Mp4Box | undefined
  for (const box of mp4Boxes(bytes, 0, bytes.length)) {
    if (box.end > bytes.length) truncated = true
    if (box.type === 'moov' && moov === undefined) moov = box
  }
  if (moov === undefined) return { truncated }
  const facts: { durationSeconds?: number; width?: number; height?: number; truncated: boolean } = { truncated }
  const mvhd = findMp4Box(bytes, moov, 'mvhd')
  if (mvhd !== undefined) {
    const duration = readMvhdDuration(bytes, mvhd.contentStart)
    if (duration !== undefined) facts.durationSeconds = duration
  }
  for (const trak of mp4Boxes(bytes, moov.contentStart, Math.min(moov.end, bytes.length))) {
    if (trak.type !== 'trak') continue
    const mdia = findMp4Box(bytes, trak, 'mdia')
    const hdlr = mdia === undefined ? undefined : findMp4Box(bytes, mdia, 'hdlr')
    if (hdlr === undefined || ascii(bytes, hdlr.contentStart + 8, 4) !== 'vide') continue
    const tkhd = findMp4Box(bytes, trak, 'tkhd')
    const size = tkhd === undefined ? undefined : readTkhdSize(bytes, tkhd.contentStart)
    if (size !== undefined) {
      facts.width = size.width
      facts.height = size.height
    }
    break
  }
  return facts
}

function readMvhdDuration(bytes: Uint8Array, content: number): number | undefined {
  const version = bytes[content]
  const timescale = u32be(bytes, content + (version === 1 ? 20 : 12))
  const duration = version === 1 ? u64be(bytes, content + 24) : u32be(bytes, content + 16)
  if (timescale === undefined || duration === undefined || timescale === 0) return undefined
  // All ones means "unknown" (fragmented files).
  if (duration === 0xffffffff || duration >= 0xffffffff * 0x100000000) return undefined
  return duration / timescale
}

function readTkhdSize(bytes: Uint8Array, content: number): { width: number; height: number } | undefined {
  const offset = bytes[content] === 1 ? 88 : 76
  const width = u32be(bytes, content + offset)
  const height = u32be(bytes, content + offset + 4)
  if (width === undefined || height === undefined) return undefined
  // 16.16 fixed point.
  return { width: Math.round(width / 0x10000), height: Math.round(height / 0x10000) }
}
