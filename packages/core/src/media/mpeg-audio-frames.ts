import { hasAsciiAt } from './byte-reader.js'

/** One MPEG-1/2/2.5 audio frame header (layers I, II and III). */
export interface Mp3FrameHeader {
  /** 1 for MPEG-1, 2 for MPEG-2, 2.5 for MPEG-2.5. */
  readonly version: 1 | 2 | 2.5
  readonly layer: 1 | 2 | 3
  /** Bits per second; 0 for "free format", whose frame size cannot be computed. */
  readonly bitrate: number
  readonly sampleRate: number
  readonly channels: 1 | 2
  /** Whole frame size in bytes, header included; 0 for free format. */
  readonly frameBytes: number
  readonly samplesPerFrame: number
}

// Kilobits per second, indexed [version 1 or 2][layer - 1][bitrate index].
const BITRATES_V1 = [
  [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
] as const
const BITRATES_V2 = [
  [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
] as const
const SAMPLE_RATES_V1 = [44100, 48000, 32000] as const

/** Parses the 4-byte MPEG audio frame header at `offset`, or returns `undefined` when it is not one. */
export function parseMp3FrameHeader(bytes: Uint8Array, offset: number): Mp3FrameHeader | undefined {
  if (offset < 0 || offset + 4 > bytes.length) return undefined
  const byte1 = bytes[offset + 1]!
  const byte2 = bytes[offset + 2]!
  const byte3 = bytes[offset + 3]!
  if (bytes[offset] !== 0xff || (byte1 & 0xe0) !== 0xe0) return undefined
  const versionBits = (byte1 >> 3) & 0x03
  const layerBits = (byte1 >> 1) & 0x03
  const bitrateIndex = byte2 >> 4
  const sampleRateIndex = (byte2 >> 2) & 0x03
  if (versionBits === 1 || layerBits === 0 || bitrateIndex === 15 || sampleRateIndex === 3) return undefined
  const version = versionBits === 3 ? 1 : versionBits === 2 ? 2 : 2.5
  const layer = (4 - layerBits) as 1 | 2 | 3
  const table = version === 1 ? BITRATES_V1 : BITRATES_V2
  const bitrate = table[layer - 1]![bitrateIndex]! * 1000
  const sampleRate = SAMPLE_RATES_V1[sampleRateIndex]! / (version === 1 ? 1 : version === 2 ? 2 : 4)
  const padding = (byte2 >> 1) & 0x01
  const channels = (byte3 >> 6) === 3 ? 1 : 2
  const samplesPerFrame = layer === 1 ? 384 : layer === 2 || version === 1 ? 1152 : 576
  const frameBytes =
    bitrate === 0
      ? 0
      : layer === 1
        ? (Math.floor((12 * bitrate) / sampleRate) + padding) * 4
        : Math.floor(((samplesPerFrame / 8) * bitrate) / sampleRate) + padding
  return { version, layer, bitrate, sampleRate, channels, frameBytes, samplesPerFrame }
}

/** One AAC ADTS frame header. */
export interface AdtsFrameHeader {
  readonly sampleRate: number
  /** Whole frame size in bytes, header included. */
  readonly frameBytes: number
  /** PCM samples the frame decodes to (1024 per raw data block). */
  readonly samples: number
}

const ADTS_SAMPLE_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350] as const

/** Parses the 7-byte ADTS header at `offset`, or returns `undefined` when it is not one. */
export function parseAdtsHeader(bytes: Uint8Array, offset: number): AdtsFrameHeader | undefined {
  if (offset < 0 || offset + 7 > bytes.length) return undefined
  // 12 sync bits, then layer bits that must be 00 (MP3 frames have a non-zero layer there).
  if (bytes[offset] !== 0xff || (bytes[offset + 1]! & 0xf6) !== 0xf0) return undefined
  const sampleRate = ADTS_SAMPLE_RATES[(bytes[offset + 2]! >> 2) & 0x0f]
  const frameBytes = ((bytes[offset + 3]! & 0x03) << 11) | (bytes[offset + 4]! << 3) | (bytes[offset + 5]! >> 5)
  if (sampleRate === undefined || frameBytes < 7) return undefined
  return { sampleRate, frameBytes, samples: ((bytes[offset + 6]! & 0x03) + 1) * 1024 }
}

/** True when an ADTS header sits at `offset` (enough to tell AAC from MP3 after the sync word). */
export function isAdtsAt(bytes: Uint8Array, offset: number): boolean {
  return offset + 2 <= bytes.length && bytes[offset] === 0xff && (bytes[offset + 1]! & 0xf6) === 0xf0
}

/**
 * The offset just past any ID3v2 tags (and zero padding after them) at `offset`, or `offset` when
 * there are none. Past the end of `bytes` when a tag declares more bytes than there are.
 */
export function skipId3v2(bytes: Uint8Array, offset = 0): number {
  let position = offset
  while (hasAsciiAt(bytes, position, 'ID3') && position + 10 <= bytes.length) {
    const flags = bytes[position + 5]!
    // Sizes are "synchsafe": 7 bits per byte.
    const size = (bytes[position + 6]! << 21) | (bytes[position + 7]! << 14) | (bytes[position + 8]! << 7) | bytes[position + 9]!
    position += 10 + size + (flags & 0x10 ? 10 : 0)
  }
  while (position < bytes.length && bytes[position] === 0) position += 1
  return position
}

/** True when `bytes` starts an ID3v2 tag whose 10-byte header is cut short. */
export function hasCutId3Header(bytes: Uint8Array): boolean {
  return hasAsciiAt(bytes, 0, 'ID3') && bytes.length < 10
}
