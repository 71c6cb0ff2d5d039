import type { AudioFormat, ImageFormat, MediaFormat } from '../spec/index.js'
import { readAudioDuration } from './audio-duration.js'
import type { HeaderFacts } from './header-facts.js'
import { readImageDimensions } from './image-dimensions.js'
import { roleOf } from './media-formats.js'
import { readMp4Facts } from './mp4-boxes.js'
import { sniffFormat } from './sniff-format.js'
import { readWebmFacts } from './webm-elements.js'

/** What `probeMedia` learned from the headers. Fields are missing when the bytes do not say. */
export interface MediaProbe {
  /** The format detected from the bytes; missing when unrecognised. */
  readonly format?: MediaFormat
  /** Pixel size: images always (unless cut short or corrupt), video from its first video track. */
  readonly width?: number
  readonly height?: number
  /** Audio and video duration, when the headers give it. */
  readonly durationSeconds?: number
  /** True when the header is cut short or the file ends before a size it declares. */
  readonly truncated?: boolean
  /** Why the header contradicts itself (a WAV declaring 0 Hz, ...), when it does. */
  readonly corrupt?: string
}

/**
 * Detects the format and reads dimensions and duration from the headers only: no decoding and no
 * pixel buffers, whatever size the header claims.
 *
 * @example
 * ```ts
 * const probe = probeMedia(await readFile('portrait.jpg'))
 * // { format: 'jpeg', width: 1024, height: 1536 }
 * ```
 */
export function probeMedia(bytes: Uint8Array): MediaProbe {
  const format = sniffFormat(bytes)
  if (format === undefined) return {}
  const facts = readFacts(bytes, format)
  return {
    format,
    ...(facts.width === undefined ? {} : { width: facts.width }),
    ...(facts.height === undefined ? {} : { height: facts.height }),
    ...(facts.durationSeconds === undefined ? {} : { durationSeconds: facts.durationSeconds }),
    ...(facts.truncated ? { truncated: true } : {}),
    ...(facts.corrupt === undefined ? {} : { corrupt: facts.corrupt }),
  }
}

function readFacts(bytes: Uint8Array, format: MediaFormat): HeaderFacts {
  switch (roleOf(format)) {
    case 'image':
      return readImageDimensions(bytes, format as ImageFormat)
    case 'audio':
      return readAudioDuration(bytes, format as AudioFormat)
    case 'video':
      return format === 'webm' ? readWebmFacts(bytes) : readMp4Facts(bytes)
  }
}
