import type { LoadedMedia } from '../media/loaded-media.js'

/**
 * Any way a caller can hand over an image, audio clip or video:
 * - a local file path (`'./me.jpg'`),
 * - an `http(s)` URL, as a string or `URL`,
 * - a `data:` URI,
 * - raw bytes (`Uint8Array`, Node `Buffer`, `ArrayBuffer`),
 * - a `Blob` (or `File`),
 * - a `LoadedMedia` that `loadMedia` returned: reused without reading or decoding it again (the
 *   router passes these to its targets, so each input is read once per request).
 *
 * The real type is always detected from the bytes, never from a file name or extension.
 */
export type MediaInput = string | URL | Uint8Array | ArrayBuffer | Blob | LoadedMedia

/** Container or codec families that are detected from the bytes. */
export type ImageFormat = 'jpeg' | 'png' | 'bmp' | 'webp' | 'gif'
/** Audio container families that are detected from the bytes. */
export type AudioFormat = 'wav' | 'mp3' | 'aac' | 'm4a' | 'flac' | 'ogg'
/** Video container families that are detected from the bytes. */
export type VideoFormat = 'mp4' | 'mov' | 'webm'
/** Every media format the project can recognise. */
export type MediaFormat = ImageFormat | AudioFormat | VideoFormat

/** What a piece of media is used for in a request. */
export type MediaRole = 'image' | 'audio' | 'video'
