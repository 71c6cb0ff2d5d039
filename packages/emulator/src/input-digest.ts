import { createHash } from 'node:crypto'
import type { FileStore } from './file-store.js'

/** SHA-256 of a submitted input, in lowercase hex: what the ledger records as `inputDigest`. */
export function inputDigest(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/**
 * The digest of the file an input URL names, when the emulator holds it without fetching: a
 * `data:` URI, or one of its own files (a fal storage upload). `undefined` otherwise.
 */
export function inputDigestOfUrl(text: unknown, files: FileStore, baseUrl: string): string | undefined {
  if (typeof text !== 'string') return undefined
  const data = /^data:[^,]*?(;base64)?,(.*)$/s.exec(text)
  if (data) return inputDigest(data[1] ? Buffer.from(data[2] ?? '', 'base64') : Buffer.from(decodeURIComponent(data[2] ?? ''), 'latin1'))
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return undefined
  }
  if (baseUrl === '' || url.origin !== new URL(baseUrl).origin) return undefined
  const file = files.get(decodeURIComponent(url.pathname))
  return file ? inputDigest(file.bytes) : undefined
}
