import type { MediaFormat } from '../spec/index.js'
import { ascii, hasAsciiAt, startsWithAt, u32le } from './byte-reader.js'
import { isAdtsAt, parseAdtsHeader, parseMp3FrameHeader, skipId3v2 } from './mpeg-audio-frames.js'
import { ftypBrands, mp4TrackKinds } from './mp4-boxes.js'
import { ebmlDocType } from './webm-elements.js'

const BMP_HEADER_SIZES = new Set([12, 16, 40, 52, 56, 64, 108, 124])
const M4A_BRANDS = new Set(['M4A ', 'M4B ', 'M4P '])
const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1', 'avif', 'avis'])
const QUICKTIME_ATOMS = new Set(['moov', 'mdat', 'wide', 'free', 'skip', 'pnot'])
/** How far past ID3 tags to look for the first MP3 frame. */
const MP3_SYNC_SEARCH_BYTES = 64 * 1024

/**
 * Detects the media format from the leading bytes (magic numbers, box brands, frame sync words).
 * The file name is never consulted. Returns `undefined` for anything it does not recognise,
 * including formats that exist but are not supported (HEIC, AVIF, TIFF, Matroska, ...).
 *
 * @example
 * ```ts
 * sniffFormat(new Uint8Array([0xff, 0xd8, 0xff, 0xe0])) // 'jpeg'
 * ```
 */
export function sniffFormat(bytes: Uint8Array): MediaFormat | undefined {
  if (startsWithAt(bytes, 0, [0xff, 0xd8, 0xff])) return 'jpeg'
  if (startsWithAt(bytes, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png'
  if (hasAsciiAt(bytes, 0, 'GIF87a') || hasAsciiAt(bytes, 0, 'GIF89a')) return 'gif'
  if (isBmp(bytes)) return 'bmp'
  if (hasAsciiAt(bytes, 0, 'RIFF') || hasAsciiAt(bytes, 0, 'RF64')) {
    const kind = ascii(bytes, 8, 4)
    if (kind === 'WEBP' && hasAsciiAt(bytes, 0, 'RIFF')) return 'webp'
    if (kind === 'WAVE') return 'wav'
    return undefined
  }
  if (hasAsciiAt(bytes, 0, 'fLaC')) return 'flac'
  if (hasAsciiAt(bytes, 0, 'OggS')) return 'ogg'
  const brands = ftypBrands(bytes)
  if (brands !== undefined) return formatOfBrands(brands, bytes)
  if (startsWithAt(bytes, 0, [0x1a, 0x45, 0xdf, 0xa3])) {
    const docType = ebmlDocType(bytes)
    // A header cut before its DocType is still WebM-shaped; probing reports it as truncated.
    return docType === 'webm' || docType === undefined ? 'webm' : undefined
  }
  if (isQuickTimeWithoutFtyp(bytes)) return 'mov'
  return sniffMpegAudio(bytes)
}

/**
 * `ftyp` brands to a format: QuickTime; M4A by brand, or an MP4 whose tracks are all sound; any
 * other ISO file as MP4. HEIF/AVIF images are not supported.
 */
function formatOfBrands(brands: readonly string[], bytes: Uint8Array): MediaFormat | undefined {
  const major = brands[0]
  if (major === undefined) return 'mp4' // cut short right after `ftyp`
  if (major === 'qt  ') return 'mov'
  if (M4A_BRANDS.has(major)) return 'm4a'
  if (HEIF_BRANDS.has(major)) return undefined
  const kinds = mp4TrackKinds(bytes)
  if (kinds !== undefined && kinds.includes('soun') && !kinds.includes('vide')) return 'm4a'
  return 'mp4'
}

function isBmp(bytes: Uint8Array): boolean {
  if (!hasAsciiAt(bytes, 0, 'BM')) return false
  const headerSize = u32le(bytes, 14)
  if (headerSize !== undefined) return BMP_HEADER_SIZES.has(headerSize)
  // Cut short before the DIB header: the four reserved bytes after the file size must be zero.
  for (let index = 6; index < Math.min(bytes.length, 10); index += 1) if (bytes[index] !== 0) return false
  return true
}

function isQuickTimeWithoutFtyp(bytes: Uint8Array): boolean {
  const type = ascii(bytes, 4, 4)
  return type !== undefined && QUICKTIME_ATOMS.has(type) && bytes[0] === 0
}

/** MP3 (after optional ID3v2 tags) or AAC in ADTS frames. */
function sniffMpegAudio(bytes: Uint8Array): MediaFormat | undefined {
  const hasId3 = hasAsciiAt(bytes, 0, 'ID3')
  const start = skipId3v2(bytes)
  if (hasId3 && start >= bytes.length) return 'mp3' // a tag with no audio after it yet: cut short
  if (hasId3 && hasAsciiAt(bytes, start, 'fLaC')) return 'flac' // some taggers put ID3 before FLAC
  // Without a tag the stream must start at a frame; after a tag, encoders sometimes leave junk.
  const searchEnd = hasId3 ? Math.min(bytes.length, start + MP3_SYNC_SEARCH_BYTES) : start + 1
  for (let offset = start; offset < searchEnd; offset += 1) {
    if (bytes[offset] !== 0xff) continue
    if (isAdtsAt(bytes, offset)) {
      const frame = parseAdtsHeader(bytes, offset)
      if (frame !== undefined && confirmsNextFrame(bytes, offset + frame.frameBytes, 'aac')) return 'aac'
      continue
    }
    const frame = parseMp3FrameHeader(bytes, offset)
    if (frame !== undefined && confirmsNextFrame(bytes, offset + frame.frameBytes, 'mp3', frame.frameBytes === 0)) return 'mp3'
  }
  return undefined
}

/** A second frame header where the first one says it ends (or the end of the bytes) confirms a sync word. */
function confirmsNextFrame(bytes: Uint8Array, next: number, format: 'aac' | 'mp3', freeFormat = false): boolean {
  if (freeFormat) return false
  if (next >= bytes.length) return true
  return format === 'aac' ? parseAdtsHeader(bytes, next) !== undefined : parseMp3FrameHeader(bytes, next) !== undefined
}
