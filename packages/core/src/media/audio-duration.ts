import type { AudioFormat } from '../spec/index.js'
import { ascii, hasAsciiAt, u16le, u32be, u32le, u64le } from './byte-reader.js'
import type { HeaderFacts, HeaderFactsDraft } from './header-facts.js'
import { readAdtsDuration, readMp3Duration } from './mp3-duration.js'
import { skipId3v2 } from './mpeg-audio-frames.js'
import { readMp4Facts } from './mp4-boxes.js'

/**
 * Reads an audio clip's duration from its headers, without decoding: WAV (`fmt `/`data` chunks),
 * MP3 (Xing/Info/VBRI header or a constant-bitrate estimate), AAC (ADTS frame headers), M4A
 * (`mvhd`), FLAC (STREAMINFO) and Ogg Vorbis/Opus (last page granule). `durationSeconds` is
 * missing when the header does not say.
 */
export function readAudioDuration(bytes: Uint8Array, format: AudioFormat): HeaderFacts {
  switch (format) {
    case 'wav':
      return readWavDuration(bytes)
    case 'mp3':
      return readMp3Duration(bytes)
    case 'aac':
      return readAdtsDuration(bytes)
    case 'm4a': {
      const facts = readMp4Facts(bytes)
      return facts.durationSeconds === undefined ? { truncated: facts.truncated } : { durationSeconds: facts.durationSeconds, truncated: facts.truncated }
    }
    case 'flac':
      return readFlacDuration(bytes)
    case 'ogg':
      return readOggDuration(bytes)
  }
}

/** Sizes of 0 or 0xFFFFFFFF mean "unknown" (written while streaming). */
function isStreamingSize(size: number): boolean {
  return size === 0 || size === 0xffffffff
}

function readWavDuration(bytes: Uint8Array): HeaderFacts {
  const riffSize = u32le(bytes, 4)
  if (riffSize === undefined || bytes.length < 12) return { truncated: true }
  // RF64 files keep their real sizes in a `ds64` chunk; only the chunk walk below applies to them.
  let truncated = hasAsciiAt(bytes, 0, 'RIFF') && !isStreamingSize(riffSize) && riffSize + 8 > bytes.length
  let byteRate: number | undefined
  let sampleRate: number | undefined
  let sampleFrames: number | undefined
  let position = 12
  while (position + 8 <= bytes.length) {
    const id = ascii(bytes, position, 4)!
    const size = u32le(bytes, position + 4)!
    const content = position + 8
    if (id === 'fmt ') {
      if (content + 16 > bytes.length) return { truncated: true }
      sampleRate = u32le(bytes, content + 4)
      byteRate = u32le(bytes, content + 8)
      // Nothing can play audio at 0 samples (or 0 bytes) per second; every decoder divides by these.
      if (sampleRate === 0) return { truncated, corrupt: 'the WAV header declares a sample rate of 0 Hz' }
      if (byteRate === 0) return { truncated, corrupt: 'the WAV header declares a byte rate of 0 bytes per second' }
    } else if (id === 'fact' && content + 4 <= bytes.length) {
      sampleFrames = u32le(bytes, content)
    } else if (id === 'data') {
      const available = bytes.length - content
      const dataBytes = isStreamingSize(size) ? available : size
      if (dataBytes > available) truncated = true
      const facts: HeaderFactsDraft = { truncated }
      // `fact` counts samples exactly for compressed WAV; PCM is bytes over bytes-per-second.
      if (sampleFrames !== undefined && sampleFrames > 0 && sampleRate) facts.durationSeconds = sampleFrames / sampleRate
      else if (byteRate) facts.durationSeconds = dataBytes / byteRate
      return facts
    }
    position = content + size + (size % 2) // chunks are padded to an even size
  }
  return { truncated: true } // no `data` chunk before the end
}

function readFlacDuration(bytes: Uint8Array): HeaderFacts {
  // 'fLaC' (after an optional ID3 tag), a 4-byte block header (type 0 = STREAMINFO, 34 bytes),
  // then 10 bytes of block and frame sizes and the packed rate, channels, depth and sample count.
  const start = skipId3v2(bytes)
  if (bytes.length < start + 26) return { truncated: true }
  if ((bytes[start + 4]! & 0x7f) !== 0) return { truncated: false }
  const fields = start + 18
  const sampleRate = (bytes[fields]! << 12) | (bytes[fields + 1]! << 4) | (bytes[fields + 2]! >> 4)
  const totalSamples = (bytes[fields + 3]! & 0x0f) * 0x100000000 + u32be(bytes, fields + 4)!
  // FLAC reserves a sample rate of 0 as invalid; a total of 0 samples means "unknown".
  if (sampleRate === 0) return { truncated: false, corrupt: 'the FLAC STREAMINFO declares a sample rate of 0 Hz' }
  if (totalSamples === 0) return { truncated: false }
  return { durationSeconds: totalSamples / sampleRate, truncated: false }
}

const OGG_PAGE_HEADER_BYTES = 27
/** A page is at most 27 + 255 + 255 * 255 bytes, so the last page starts within this tail. */
const OGG_MAX_PAGE_BYTES = 65_307

function readOggDuration(bytes: Uint8Array): HeaderFacts {
  if (bytes.length < OGG_PAGE_HEADER_BYTES) return { truncated: true }
  const segments = bytes[26]!
  const packet = OGG_PAGE_HEADER_BYTES + segments
  let sampleRate: number | undefined
  let preSkip = 0
  if (hasAsciiAt(bytes, packet, '\x01vorbis')) {
    sampleRate = u32le(bytes, packet + 12)
  } else if (hasAsciiAt(bytes, packet, 'OpusHead')) {
    sampleRate = 48_000 // Opus granule positions always count 48 kHz samples
    preSkip = u16le(bytes, packet + 10) ?? 0
  }
  if (sampleRate === undefined) return { truncated: packet > bytes.length }
  if (sampleRate === 0) return { truncated: false, corrupt: 'the Vorbis header declares a sample rate of 0 Hz' }
  const serial = u32le(bytes, 14)
  const granule = lastGranulePosition(bytes, serial)
  if (granule === undefined) return { truncated: false }
  return { durationSeconds: Math.max(0, granule - preSkip) / sampleRate, truncated: false }
}

/** The granule position of the last complete page of the stream `serial`. */
function lastGranulePosition(bytes: Uint8Array, serial: number | undefined): number | undefined {
  const stop = Math.max(0, bytes.length - OGG_MAX_PAGE_BYTES - OGG_PAGE_HEADER_BYTES)
  for (let position = bytes.length - OGG_PAGE_HEADER_BYTES; position >= stop; position -= 1) {
    if (bytes[position] !== 0x4f || !hasAsciiAt(bytes, position, 'OggS')) continue
    const granule = u64le(bytes, position + 6)
    // -1 means "no packet ends on this page".
    if (granule === undefined || granule >= 0xffffffff * 0x100000000 || u32le(bytes, position + 14) !== serial) continue
    return granule
  }
  return undefined
}
