import { randomBytes } from 'node:crypto'

/** One part of a multipart form: a text field or a file. */
export type MultipartPart =
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly fileName: string; readonly contentType: string; readonly bytes: Uint8Array }

/** A `multipart/form-data` body and the `content-type` header that goes with it. */
export interface MultipartBody {
  readonly contentType: string
  readonly body: Uint8Array
}

/**
 * Encodes a `multipart/form-data` body byte by byte (RFC 7578). Done here rather than with
 * `FormData` because a `FormData` from one undici copy is not recognised by another's `fetch`
 * (Node 20's global vs. the undici package core uses), which then sends `[object FormData]` as
 * text; bytes work with every `fetch`, and the part headers are exactly what AILab's docs show.
 */
export function encodeMultipart(parts: readonly MultipartPart[], boundary = `----portrait-animator-${randomBytes(12).toString('hex')}`): MultipartBody {
  const chunks: Uint8Array[] = []
  for (const part of parts) {
    const name = quote(part.name)
    if ('bytes' in part) {
      chunks.push(
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${quote(part.fileName)}"\r\nContent-Type: ${part.contentType}\r\n\r\n`, 'utf8'),
        part.bytes,
        Buffer.from('\r\n', 'utf8'),
      )
    } else {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${part.value}\r\n`, 'utf8'))
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`, 'utf8'))
  const body = Buffer.concat(chunks)
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength) }
}

/** Escapes a name for a quoted header parameter, as browsers do (RFC 7578 §4.2). */
function quote(value: string): string {
  return value.replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22')
}
