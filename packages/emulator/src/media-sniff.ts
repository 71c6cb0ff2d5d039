/** Image container formats the emulator recognises by their first bytes. */
export type ImageFormat = 'jpeg' | 'png' | 'bmp' | 'gif' | 'webp' | 'tiff' | 'heif' | 'unknown'

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return Buffer.from(bytes.subarray(start, start + length)).toString('latin1')
}

/** Names an image format from its magic bytes (not from a file name or a MIME type). */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg'
  if (ascii(bytes, 0, 8) === '\x89PNG\r\n\x1a\n') return 'png'
  if (ascii(bytes, 0, 2) === 'BM' && bytes.length >= 26) return 'bmp'
  if (ascii(bytes, 0, 4) === 'GIF8') return 'gif'
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return 'webp'
  if (ascii(bytes, 0, 4) === 'II*\0' || ascii(bytes, 0, 4) === 'MM\0*') return 'tiff'
  if (ascii(bytes, 4, 4) === 'ftyp' && /^(heic|heix|mif1|avif|msf1)$/.test(ascii(bytes, 8, 4))) return 'heif'
  return 'unknown'
}

/** True for MP4/MOV (an `ftyp` box that is not an image), WebM/MKV or AVI. */
export function looksLikeVideo(bytes: Uint8Array): boolean {
  if (ascii(bytes, 4, 4) === 'ftyp') return sniffImageFormat(bytes) === 'unknown' && !/^M4A /.test(ascii(bytes, 8, 4))
  if (bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) return true
  return ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'AVI '
}

/** True for WAV, MP3 (ID3 tag or frame sync), Ogg, FLAC, AAC (ADTS) or M4A. */
export function looksLikeAudio(bytes: Uint8Array): boolean {
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WAVE') return true
  if (ascii(bytes, 0, 3) === 'ID3' || ascii(bytes, 0, 4) === 'OggS' || ascii(bytes, 0, 4) === 'fLaC') return true
  if (ascii(bytes, 4, 4) === 'ftyp' && /^M4A /.test(ascii(bytes, 8, 4))) return true
  if (ascii(bytes, 0, 4) === 'FORM' && ascii(bytes, 8, 4) === 'AIFF') return true
  return bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0
}
