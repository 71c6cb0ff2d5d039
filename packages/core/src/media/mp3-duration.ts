import { ascii, hasAsciiAt, u32be } from './byte-reader.js'
import type { HeaderFacts } from './header-facts.js'
import { hasCutId3Header, parseAdtsHeader, parseMp3FrameHeader, skipId3v2 } from './mpeg-audio-frames.js'
import type { Mp3FrameHeader } from './mpeg-audio-frames.js'

const ID3V1_BYTES = 128
const MP3_SYNC_SEARCH_BYTES = 64 * 1024
const XING_FRAMES_FLAG = 0x01
const XING_BYTES_FLAG = 0x02

/**
 * MP3 duration from the first frame: exact from a Xing/Info or VBRI header (frame count), else
 * estimated from the audio byte count and the first frame's bitrate (right for constant bitrate).
 */
export function readMp3Duration(bytes: Uint8Array): HeaderFacts {
  if (hasCutId3Header(bytes)) return { truncated: true }
  const start = skipId3v2(bytes)
  if (start >= bytes.length) return { truncated: true }
  const found = findFirstFrame(bytes, start)
  if (found === undefined) return { truncated: false }
  const { offset, frame } = found
  const vbr = readVbrHeader(bytes, offset, frame)
  if (vbr !== undefined) {
    // Encoders disagree on whether the byte count includes tags, so compare with the whole file.
    const truncated = vbr.bytes !== undefined && vbr.bytes > bytes.length
    return { durationSeconds: (vbr.frames * frame.samplesPerFrame) / frame.sampleRate, truncated }
  }
  if (frame.bitrate === 0) return { truncated: false } // free format: no bitrate to estimate with
  const end = bytes.length >= ID3V1_BYTES && hasAsciiAt(bytes, bytes.length - ID3V1_BYTES, 'TAG') ? bytes.length - ID3V1_BYTES : bytes.length
  return { durationSeconds: ((end - offset) * 8) / frame.bitrate, truncated: false }
}

function findFirstFrame(bytes: Uint8Array, start: number): { offset: number; frame: Mp3FrameHeader } | undefined {
  const end = Math.min(bytes.length, start + MP3_SYNC_SEARCH_BYTES)
  for (let offset = start; offset < end; offset += 1) {
    if (bytes[offset] !== 0xff) continue
    const frame = parseMp3FrameHeader(bytes, offset)
    if (frame === undefined) continue
    const next = offset + frame.frameBytes
    if (frame.frameBytes > 0 && next + 4 <= bytes.length && parseMp3FrameHeader(bytes, next) === undefined) continue
    return { offset, frame }
  }
  return undefined
}

/** Where the Xing/Info tag sits: after the 4-byte header and the side information. */
function xingOffset(frame: Mp3FrameHeader): number {
  if (frame.version === 1) return frame.channels === 1 ? 21 : 36
  return frame.channels === 1 ? 13 : 21
}

function readVbrHeader(bytes: Uint8Array, offset: number, frame: Mp3FrameHeader): { frames: number; bytes?: number } | undefined {
  const xing = offset + xingOffset(frame)
  const tag = ascii(bytes, xing, 4)
  if (tag === 'Xing' || tag === 'Info') {
    const flags = u32be(bytes, xing + 4)
    if (flags === undefined || (flags & XING_FRAMES_FLAG) === 0) return undefined
    const frames = u32be(bytes, xing + 8)
    if (frames === undefined || frames === 0) return undefined
    const streamBytes = flags & XING_BYTES_FLAG ? u32be(bytes, xing + 12) : undefined
    return streamBytes === undefined ? { frames } : { frames, bytes: streamBytes }
  }
  // Fraunhofer VBRI sits 32 bytes after the 4-byte header: version, delay, quality, bytes, frames.
  if (hasAsciiAt(bytes, offset + 36, 'VBRI')) {
    const streamBytes = u32be(bytes, offset + 36 + 10)
    const frames = u32be(bytes, offset + 36 + 14)
    if (frames === undefined || frames === 0) return undefined
    return streamBytes === undefined ? { frames } : { frames, bytes: streamBytes }
  }
  return undefined
}

/** AAC in ADTS frames: walks frame headers (7 bytes each, no decoding) and sums their samples. */
export function readAdtsDuration(bytes: Uint8Array): HeaderFacts {
  let position = skipId3v2(bytes)
  let samples = 0
  let sampleRate: number | undefined
  while (position < bytes.length) {
    const frame = parseAdtsHeader(bytes, position)
    if (frame === undefined) break
    if (position + frame.frameBytes > bytes.length) break // a last frame cut short still plays up to the cut
    sampleRate ??= frame.sampleRate
    samples += frame.samples
    position += frame.frameBytes
  }
  if (sampleRate === undefined) return { truncated: bytes.length - position < 7 }
  return { durationSeconds: samples / sampleRate, truncated: false }
}
