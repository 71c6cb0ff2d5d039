import { withDeadline } from '@portrait-animator/core'
import type { FileStore } from './file-store.js'
import { isLoopbackHost } from './loopback-url.js'

/** What became of an input URL. */
export type ResolvedMedia =
  | { readonly kind: 'bytes'; readonly bytes: Buffer }
  /** A URL on the emulator or on loopback that does not answer with a file. */
  | { readonly kind: 'missing' }
  /** A public URL the emulator does not fetch (no network); it is taken on trust. */
  | { readonly kind: 'remote' }
  /** Not a URL or data URI at all. */
  | { readonly kind: 'invalid' }

const FETCH_TIMEOUT_MS = 5_000
const MAX_FETCH_BYTES = 256 * 1024 * 1024

function decodeDataUri(text: string): Buffer | undefined {
  const match = /^data:([^,]*?)(;base64)?,(.*)$/s.exec(text)
  if (!match) return undefined
  const payload = match[3] ?? ''
  return match[2] ? Buffer.from(payload, 'base64') : Buffer.from(decodeURIComponent(payload), 'latin1')
}

/**
 * Turns an input URL into bytes where the emulator can: data URIs, its own files, and other
 * loopback URLs (fetched with a timeout). Public URLs are never fetched.
 */
export async function resolveMedia(
  text: string,
  context: { readonly files: FileStore; readonly baseUrl: string; readonly signal?: AbortSignal },
): Promise<ResolvedMedia> {
  if (text.startsWith('data:')) {
    const bytes = decodeDataUri(text)
    return bytes ? { kind: 'bytes', bytes } : { kind: 'invalid' }
  }
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return { kind: 'invalid' }
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { kind: 'invalid' }
  if (!isLoopbackHost(url.hostname)) return { kind: 'remote' }
  if (url.port === new URL(context.baseUrl).port) {
    const file = context.files.get(decodeURIComponent(url.pathname))
    return file ? { kind: 'bytes', bytes: file.bytes } : { kind: 'missing' }
  }
  const deadline = withDeadline(context.signal, FETCH_TIMEOUT_MS)
  try {
    const response = await fetch(url, { signal: deadline.signal })
    if (!response.ok) return { kind: 'missing' }
    const length = Number(response.headers.get('content-length') ?? 0)
    if (length > MAX_FETCH_BYTES) return { kind: 'missing' }
    return { kind: 'bytes', bytes: Buffer.from(await response.arrayBuffer()) }
  } catch {
    return { kind: 'missing' }
  } finally {
    deadline.clear()
  }
}
