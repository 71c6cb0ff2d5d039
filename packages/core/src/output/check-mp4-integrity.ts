import { ascii, u32be, u64be } from '../media/byte-reader.js'
import { allMp4Boxes } from '../media/mp4-summary.js'
import type { Mp4Box } from '../media/mp4-boxes.js'
import type { ByteSource } from './byte-source.js'

/** Largest `moov` read into memory; real ones are a few hundred KiB even for long clips. */
const MAX_MOOV_BYTES = 64 * 1024 * 1024

/**
 * What is wrong with an MP4, or `undefined` when it is whole: every top-level box fits in the
 * file, there is one `moov`, it has a video track with samples, and every chunk its sample tables
 * point at lies inside the file (so a cut `mdat` is caught even when its size says "to the end").
 * Reads box headers and the `moov` only, never the media data.
 *
 * @example
 * ```ts
 * const problem = await checkMp4Integrity(bufferSource(bytes)) // 'the file is cut short: ...'
 * ```
 */
export async function checkMp4Integrity(source: ByteSource): Promise<string | undefined> {
  let position = 0
  let moov: { start: number; end: number } | undefined
  let fragments = 0
  while (position < source.size) {
    if (position + 8 > source.size) return `the file is cut short inside a box header at byte ${position}`
    const header = await source.read(position, 16)
    const size32 = u32be(header, 0)!
    const type = ascii(header, 4, 4)!
    if (position === 0 && type !== 'ftyp') return 'it does not start with an ftyp box, so it is not an MP4'
    let size = size32
    let headerSize = 8
    if (size32 === 1) {
      const size64 = u64be(header, 8)
      if (size64 === undefined) return `the file is cut short inside a box header at byte ${position}`
      size = size64
      headerSize = 16
    } else if (size32 === 0) {
      size = source.size - position
    }
    if (size < headerSize) return `the box at byte ${position} has an impossible size (${size})`
    if (position + size > source.size) {
      return `the file is cut short: box "${type}" at byte ${position} declares ${size} bytes but only ${source.size - position} are there`
    }
    if (type === 'moov') moov ??= { start: position, end: position + size }
    if (type === 'moof') fragments += 1
    position += size
  }
  if (moov === undefined) return 'it has no moov box (the index of its frames)'
  if (moov.end - moov.start > MAX_MOOV_BYTES) return `its moov box is larger than ${MAX_MOOV_BYTES} bytes`
  const moovBytes = await source.read(moov.start, moov.end - moov.start)
  try {
    return checkTracks(moovBytes, source.size, fragments)
  } catch (error) {
    return `its moov box is corrupt (${(error as Error).message})`
  }
}

function checkTracks(moov: Uint8Array, fileSize: number, fragments: number): string | undefined {
  let videoSamples = 0
  let fragmented = false
  for (const box of allMp4Boxes(moov)) {
    if (box.type === 'mvex') fragmented = true
    if (box.type !== 'trak') continue
    const children = new Map<string, Mp4Box>()
    for (const child of allMp4Boxes(moov, box.contentStart, box.end)) if (!children.has(child.type)) children.set(child.type, child)
    const hdlr = children.get('hdlr')
    const isVideo = hdlr !== undefined && ascii(moov, hdlr.contentStart + 8, 4) === 'vide'
    const problem = checkSampleTable(moov, children, fileSize)
    if (typeof problem === 'string') return problem
    if (isVideo) videoSamples += problem
  }
  if (fragmented) return fragments > 0 ? undefined : 'it is a fragmented MP4 without any fragment'
  if (videoSamples === 0) return 'it has no video track with frames'
  return undefined
}

/** The number of samples of a track whose chunks all lie inside the file, or what is wrong. */
function checkSampleTable(moov: Uint8Array, boxes: ReadonlyMap<string, Mp4Box>, fileSize: number): number | string {
  const stsz = boxes.get('stsz')
  const stsc = boxes.get('stsc')
  const offsets = boxes.get('stco') ?? boxes.get('co64')
  if (stsz === undefined) return 0
  const table = stsz.contentStart
  const uniformSize = read32(moov, table + 4)
  const sampleCount = read32(moov, table + 8)
  if (sampleCount === 0) return 0
  if (stsc === undefined || offsets === undefined) return 'a track has samples but no chunk table'
  const sampleSize = (index: number) => (uniformSize !== 0 ? uniformSize : read32(moov, table + 12 + index * 4))
  const runs = read32(moov, stsc.contentStart + 4)
  const chunkCount = read32(moov, offsets.contentStart + 4)
  const wide = offsets.type === 'co64'
  let sample = 0
  for (let run = 0; run < runs; run += 1) {
    const entry = stsc.contentStart + 8 + run * 12
    const firstChunk = read32(moov, entry)
    const perChunk = read32(moov, entry + 4)
    const nextFirst = run + 1 < runs ? read32(moov, entry + 12) : chunkCount + 1
    for (let chunk = firstChunk; chunk < nextFirst && chunk <= chunkCount; chunk += 1) {
      const at = offsets.contentStart + 8 + (chunk - 1) * (wide ? 8 : 4)
      let end = wide ? read64(moov, at) : read32(moov, at)
      for (let index = 0; index < perChunk && sample < sampleCount; index += 1) end += sampleSize(sample++)
      if (end > fileSize) return `the file is cut short: frame data up to byte ${end} is missing (the file has ${fileSize} bytes)`
    }
  }
  if (sample < sampleCount) return `its chunk table covers ${sample} of ${sampleCount} samples`
  return sampleCount
}

function read32(bytes: Uint8Array, offset: number): number {
  const value = u32be(bytes, offset)
  if (value === undefined) throw new RangeError(`a table runs past its box at byte ${offset}`)
  return value
}

function read64(bytes: Uint8Array, offset: number): number {
  const value = u64be(bytes, offset)
  if (value === undefined) throw new RangeError(`a table runs past its box at byte ${offset}`)
  return value
}
