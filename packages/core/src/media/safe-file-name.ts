import type { MediaFormat } from '../spec/index.js'
import { extensionOf, roleOf } from './media-formats.js'

const MAX_STEM_LENGTH = 80

/**
 * A file name that is safe to send in a multipart upload or write to disk, with the extension of
 * the format detected from the bytes: `'Me & you.JPEG.png'` holding JPEG bytes becomes
 * `'Me-you.JPEG.jpg'`. Falls back to the role (`image.jpg`) when no usable name is given.
 */
export function safeFileName(original: string | undefined, format: MediaFormat): string {
  const extension = extensionOf(format)
  const base = (original ?? '').split(/[\\/]/).pop() ?? ''
  const withoutExtension = base.replace(/\.[A-Za-z0-9]{1,5}$/, '')
  const stem = withoutExtension
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // accents left over after decomposition
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[.-]+|[.-]+$/g, '')
    .slice(0, MAX_STEM_LENGTH)
  return `${stem === '' ? roleOf(format) : stem}.${extension}`
}

/** The last path segment of a URL, percent-decoded, or `undefined` when there is none. */
export function urlBaseName(url: URL): string | undefined {
  const segment = url.pathname.split('/').pop()
  if (segment === undefined || segment === '') return undefined
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}
