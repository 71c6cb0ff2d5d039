import { ascii, hasAsciiAt, startsWithAt } from './byte-reader.js'
import { ftypBrands } from './mp4-boxes.js'
import { ebmlDocType } from './webm-elements.js'

/** What some bytes that are not a supported format look like. */
export interface UnrecognisedBytes {
  /** True for text (HTML, JSON, XML, plain text): not media at all. */
  readonly textual: boolean
  /** A short name for what was found: `html`, `json`, `text`, `svg`, `tiff`, `heic`, `unknown binary`, ... */
  readonly label: string
}

const TEXT_SAMPLE_BYTES = 1024

/**
 * Names what unsupported bytes are, so an error can say "an HTML page" or "a TIFF image" instead of
 * "unknown". SVG counts as an (unsupported) image format, not as text.
 */
export function describeUnrecognised(bytes: Uint8Array): UnrecognisedBytes {
  const binary = describeBinary(bytes)
  if (binary !== undefined) return { textual: false, label: binary }
  const text = decodeTextSample(bytes)
  if (text === undefined) return { textual: false, label: 'unknown binary data' }
  const head = text.trimStart().slice(0, 512).toLowerCase()
  if (/<svg[\s>]/.test(head) || (head.startsWith('<?xml') && text.toLowerCase().includes('<svg'))) return { textual: false, label: 'svg' }
  if (head.startsWith('<!doctype html') || /<(html|head|body|script|title|meta|div|p)[\s>/]/.test(head)) return { textual: true, label: 'html' }
  if (head.startsWith('<')) return { textual: true, label: 'xml' }
  if (head.startsWith('{') || head.startsWith('[')) return { textual: true, label: 'json' }
  return { textual: true, label: 'text' }
}

function describeBinary(bytes: Uint8Array): string | undefined {
  if (hasAsciiAt(bytes, 0, 'II*\0') || hasAsciiAt(bytes, 0, 'MM\0*')) return 'tiff'
  const brands = ftypBrands(bytes)
  if (brands !== undefined) return brands[0]?.startsWith('avi') ? 'avif' : 'heic'
  const docType = ebmlDocType(bytes)
  if (docType !== undefined) return docType
  if (hasAsciiAt(bytes, 0, '%PDF')) return 'pdf'
  if (startsWithAt(bytes, 0, [0x50, 0x4b, 0x03, 0x04])) return 'zip'
  if (startsWithAt(bytes, 0, [0x1f, 0x8b])) return 'gzip'
  if (hasAsciiAt(bytes, 0, 'FORM') && (ascii(bytes, 8, 4) === 'AIFF' || ascii(bytes, 8, 4) === 'AIFC')) return 'aiff'
  if (hasAsciiAt(bytes, 0, 'RIFF')) return `riff ${(ascii(bytes, 8, 4) ?? '').trim().toLowerCase() || 'container'}`
  if (hasAsciiAt(bytes, 0, '8BPS')) return 'psd'
  if (startsWithAt(bytes, 0, [0, 0, 1, 0])) return 'ico'
  if (startsWithAt(bytes, 0, [0xff, 0x0a]) || startsWithAt(bytes, 0, [0, 0, 0, 0x0c, 0x4a, 0x58, 0x4c, 0x20])) return 'jpeg xl'
  return undefined
}

/** The first bytes as text when they look like UTF-8/ASCII text (or UTF-16 with a BOM), else `undefined`. */
function decodeTextSample(bytes: Uint8Array): string | undefined {
  const sample = bytes.subarray(0, TEXT_SAMPLE_BYTES)
  if (startsWithAt(sample, 0, [0xff, 0xfe]) || startsWithAt(sample, 0, [0xfe, 0xff])) {
    return new TextDecoder(sample[0] === 0xff ? 'utf-16le' : 'utf-16be').decode(sample.subarray(2))
  }
  let control = 0
  for (const byte of sample) {
    if (byte === 0) return undefined
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c) control += 1
  }
  if (control > sample.length / 50) return undefined
  const text = new TextDecoder('utf-8').decode(sample)
  // Invalid UTF-8 becomes U+FFFD; a few are tolerated because the sample may cut a character.
  const replaced = text.split('\uFFFD').length - 1
  return replaced > 4 ? undefined : text.replace(/^\uFEFF/, '')
}
