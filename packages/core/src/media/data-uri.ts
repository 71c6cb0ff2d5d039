import { maxBytesError, mediaError } from './media-error.js'

const BASE64_BODY = /^[A-Za-z0-9+/\-_]*={0,2}$/

/**
 * Decodes a `data:` URI (`data:[<media type>][;base64],<data>`). The declared media type is
 * ignored: the real type is detected from the bytes later. Checks the decoded size against
 * `maxBytes` before decoding.
 *
 * @throws PortraitAnimatorError `invalid_input` with rule `data-uri` (malformed) or `max-bytes`.
 */
export function decodeDataUri(uri: string, field: string, maxBytes: number): Uint8Array {
  const comma = uri.indexOf(',')
  const header = comma === -1 ? '' : uri.slice(5, comma)
  if (!/^data:/i.test(uri) || comma === -1) throw malformed(field, 'there is no comma between the header and the data')
  const parameters = header.split(';').map((part) => part.trim().toLowerCase())
  const isBase64 = parameters.at(-1) === 'base64'
  const body = uri.slice(comma + 1)
  if (isBase64) {
    const compact = body.replace(/\s+/g, '')
    let unescaped = compact
    if (compact.includes('%')) {
      try {
        unescaped = decodeURIComponent(compact)
      } catch {
        throw malformed(field, 'the base64 data holds an invalid percent escape')
      }
    }
    const badLength = unescaped.length % 4 === 1 || (unescaped.endsWith('=') && unescaped.length % 4 !== 0)
    if (!BASE64_BODY.test(unescaped) || badLength) throw malformed(field, 'the data is not valid base64')
    const decodedSize = Math.floor((unescaped.length * 3) / 4)
    if (decodedSize > maxBytes + 3) throw maxBytesError(field, maxBytes, decodedSize, 'the data: URI')
    const bytes = Buffer.from(unescaped.replace(/-/g, '+').replace(/_/g, '/'), 'base64')
    if (bytes.length > maxBytes) throw maxBytesError(field, maxBytes, bytes.length, 'the data: URI')
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }
  let bytes: Uint8Array
  try {
    bytes = percentDecode(body)
  } catch {
    throw malformed(field, 'the data holds an invalid percent escape')
  }
  if (bytes.length > maxBytes) throw maxBytesError(field, maxBytes, bytes.length, 'the data: URI')
  return bytes
}

/** Percent-decodes to raw bytes (unlike `decodeURIComponent`, which insists on UTF-8). */
function percentDecode(text: string): Uint8Array {
  const out = new Uint8Array(Buffer.byteLength(text))
  let length = 0
  for (let index = 0; index < text.length; index += 1) {
    const codePoint = text.codePointAt(index)!
    const char = String.fromCodePoint(codePoint)
    if (codePoint > 0xffff) index += 1 // the second half of a surrogate pair
    if (char === '%') {
      const hex = text.slice(index + 1, index + 3)
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new Error('bad escape')
      out[length++] = parseInt(hex, 16)
      index += 2
    } else {
      const encoded = Buffer.from(char, 'utf8')
      out.set(encoded, length)
      length += encoded.length
    }
  }
  return out.subarray(0, length)
}

function malformed(field: string, problem: string) {
  return mediaError({ field, rule: 'data-uri', limit: 'data:[<type>][;base64],<data>', actual: 'malformed data URI', problem: `the data: URI is malformed: ${problem}` })
}
