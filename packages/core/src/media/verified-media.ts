import { createHash } from 'node:crypto'
import type { LoadedMedia } from './loaded-media.js'

/** Media objects `loadMedia` produced and checked, with the digest of their bytes at that time. */
const verified = new WeakMap<object, string>()

/** SHA-256 in hex, as `LoadedMedia.sha256` (which `mediaDigest` computed off the main thread). */
function digestOf(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/**
 * Freezes a media object `loadMedia` has fully checked (read, probed, decoded) and remembers it
 * with the digest of its bytes, so a later `loadMedia` of the same object can reuse it instead of
 * reading and decoding again.
 */
export function markVerified(media: LoadedMedia): LoadedMedia {
  const frozen = Object.freeze(media)
  verified.set(frozen, frozen.sha256)
  return frozen
}

/**
 * Whether `value` is a media object `loadMedia` produced whose bytes are still the ones it checked.
 * A look-alike built by hand, or one whose bytes were changed since, is not: it is read and checked
 * again from its bytes like any other input.
 */
export function isVerifiedMedia(value: unknown): value is LoadedMedia {
  if (typeof value !== 'object' || value === null) return false
  const digest = verified.get(value)
  return digest !== undefined && digest === digestOf((value as LoadedMedia).bytes)
}

/** Whether `value` has the shape of a `LoadedMedia` (verified or not). */
export function looksLikeLoadedMedia(value: unknown): value is LoadedMedia {
  return typeof value === 'object' && value !== null && !(value instanceof Uint8Array) && !(value instanceof URL) && (value as { bytes?: unknown }).bytes instanceof Uint8Array
}
