import type { MediaFormat, MediaRole } from '../spec/index.js'

interface FormatFacts {
  readonly mimeType: string
  readonly extension: string
  readonly role: MediaRole
}

const FORMATS: Readonly<Record<MediaFormat, FormatFacts>> = {
  jpeg: { mimeType: 'image/jpeg', extension: 'jpg', role: 'image' },
  png: { mimeType: 'image/png', extension: 'png', role: 'image' },
  bmp: { mimeType: 'image/bmp', extension: 'bmp', role: 'image' },
  webp: { mimeType: 'image/webp', extension: 'webp', role: 'image' },
  gif: { mimeType: 'image/gif', extension: 'gif', role: 'image' },
  wav: { mimeType: 'audio/wav', extension: 'wav', role: 'audio' },
  mp3: { mimeType: 'audio/mpeg', extension: 'mp3', role: 'audio' },
  aac: { mimeType: 'audio/aac', extension: 'aac', role: 'audio' },
  m4a: { mimeType: 'audio/mp4', extension: 'm4a', role: 'audio' },
  flac: { mimeType: 'audio/flac', extension: 'flac', role: 'audio' },
  ogg: { mimeType: 'audio/ogg', extension: 'ogg', role: 'audio' },
  mp4: { mimeType: 'video/mp4', extension: 'mp4', role: 'video' },
  mov: { mimeType: 'video/quicktime', extension: 'mov', role: 'video' },
  webm: { mimeType: 'video/webm', extension: 'webm', role: 'video' },
}

/** Every format this module detects, in a stable order. */
export const MEDIA_FORMATS: readonly MediaFormat[] = Object.keys(FORMATS) as MediaFormat[]

/**
 * The MIME type to send for a format.
 * @example mimeTypeOf('jpeg') // 'image/jpeg'
 */
export function mimeTypeOf(format: MediaFormat): string {
  return FORMATS[format].mimeType
}

/**
 * The usual file extension of a format, without the dot.
 * @example extensionOf('jpeg') // 'jpg'
 */
export function extensionOf(format: MediaFormat): string {
  return FORMATS[format].extension
}

/**
 * Whether a format holds an image, audio or video.
 * @example roleOf('m4a') // 'audio'
 */
export function roleOf(format: MediaFormat): MediaRole {
  return FORMATS[format].role
}
