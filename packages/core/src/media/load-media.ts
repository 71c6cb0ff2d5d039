import { abortError, toPortraitAnimatorError } from '../errors/index.js'
import type { ImageFormat, MediaFormat, MediaInput, MediaRole } from '../spec/index.js'
import { assertImageDecodes } from './decode-image.js'
import { mediaDigest } from './media-digest.js'
import { describeUnrecognised } from './describe-unrecognised.js'
import type { LoadMediaOptions, LoadedMedia } from './loaded-media.js'
import { maxBytesError, mediaError } from './media-error.js'
import { mimeTypeOf, roleOf } from './media-formats.js'
import { probeMedia } from './probe-media.js'
import { readMediaInput } from './read-media-input.js'
import type { RawMedia } from './read-media-input.js'
import { safeFileName } from './safe-file-name.js'
import { isVerifiedMedia, looksLikeLoadedMedia, markVerified } from './verified-media.js'

/** Default hard cap on bytes read or downloaded: 200 MB. */
export const DEFAULT_MAX_BYTES = 200 * 1024 * 1024
/** Default cap on pixels: 16383 x 16383, the same as sharp's default `limitInputPixels`. */
export const DEFAULT_MAX_PIXELS = 16_383 * 16_383

const ARTICLE: Readonly<Record<MediaRole, string>> = { image: 'an image', audio: 'audio', video: 'a video' }

/**
 * Reads a media input (path, `http(s)` URL, `data:` URI, bytes, `ArrayBuffer` or `Blob`), detects
 * its real format from the bytes, reads its dimensions and duration from the headers, and checks
 * that it is whole, is media, has the expected role and stays within `maxBytes` and `maxPixels`.
 * An image within `maxPixels` is then decoded completely (see `assertImageDecodes`), so a file with
 * intact headers but cut-short pixel data is refused before any provider sees it.
 * Target-specific limits are checked afterwards with `checkMediaLimits`.
 *
 * The result is frozen and may itself be passed as a `MediaInput` (the router does, so each input
 * is read and decoded once per request, whatever the number of targets tried): it is then reused,
 * with only the role, `maxBytes` and `maxPixels` checked against what it carries, as long as its
 * bytes are still the ones checked. A look-alike object not made by `loadMedia`, or one whose bytes
 * changed since, is read and checked again from its bytes.
 *
 * @throws PortraitAnimatorError `invalid_input` naming `field` and the broken `rule`; `cancelled`
 *   or `timeout` when `signal` fires.
 * @example
 * ```ts
 * const image = await loadMedia('./portrait.jpeg', { field: 'image', expect: 'image' })
 * image.format   // 'jpeg'
 * image.fileName // 'portrait.jpg'
 * ```
 */
export async function loadMedia(input: MediaInput, options: LoadMediaOptions): Promise<LoadedMedia> {
  if (isVerifiedMedia(input)) return reuse(input, options)
  try {
    options.signal?.throwIfAborted()
    const source = looksLikeLoadedMedia(input) ? input.bytes : input
    const raw = await readMediaInput(source, { ...options, maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES })
    options.signal?.throwIfAborted()
    const inspected = inspect(raw, options)
    const media: LoadedMedia = { ...inspected, sha256: await mediaDigest(inspected.bytes) }
    // Headers first (a 60000x60000 claim never reaches the decoder), then every pixel, once for
    // the same bytes while they are remembered (200 jobs with one portrait decode it once).
    if (media.role === 'image') {
      const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS
      await decodedOnce(`${media.sha256}:${maxPixels}:${options.field}`, () => assertImageDecodes(media.bytes, media.format as ImageFormat, { field: options.field, maxPixels }))
    }
    return markVerified(media)
  } catch (error) {
    if (options.signal?.aborted) throw abortError(options.signal)
    throw toPortraitAnimatorError(error)
  }
}

/** A media object already loaded and checked: only this call's role and caps are checked again. */
function reuse(media: LoadedMedia, options: LoadMediaOptions): LoadedMedia {
  try {
    options.signal?.throwIfAborted()
    checkRole(media.format, options)
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES
    if (media.bytes.byteLength > maxBytes) throw maxBytesError(options.field, maxBytes, media.bytes.byteLength, 'the data')
    if (media.width !== undefined && media.height !== undefined) checkSize(media.width, media.height, media.role, options)
    return media
  } catch (error) {
    if (options.signal?.aborted) throw abortError(options.signal)
    throw toPortraitAnimatorError(error)
  }
}

/** The detected format must have the role the field expects. */
function checkRole(format: MediaFormat, options: LoadMediaOptions): MediaRole {
  const { field, expect } = options
  const role = roleOf(format)
  if (role !== expect) {
    throw mediaError({
      field,
      rule: 'format',
      limit: expect,
      actual: `${role} (${format})`,
      limitText: ARTICLE[expect],
      problem: `expected ${ARTICLE[expect]} but got ${ARTICLE[role]} (${format.toUpperCase()})`,
    })
  }
  return role
}


/** Digests (and pixel caps) of images that decoded completely, or are being decoded; the newest kept. */
const decoded = new Map<string, Promise<void>>()
const MAX_DECODED = 256

/** Runs `decode` unless the same key decoded already; a failure is not remembered. */
async function decodedOnce(key: string, decode: () => Promise<void>): Promise<void> {
  let done = decoded.get(key)
  if (done === undefined) {
    done = decode()
    decoded.set(key, done)
    if (decoded.size > MAX_DECODED) decoded.delete(decoded.keys().next().value!)
    done.catch(() => decoded.delete(key))
  }
  return done
}

function inspect(raw: RawMedia, options: LoadMediaOptions): Omit<LoadedMedia, 'sha256'> {
  const { field, expect } = options
  const { bytes } = raw
  if (bytes.byteLength === 0) {
    throw mediaError({ field, rule: 'empty', limit: 1, actual: 0, limitText: 'at least 1 byte', actualText: '0 bytes', problem: `the ${expect} is empty (0 bytes)` })
  }
  const probe = probeMedia(bytes)
  const format = probe.format
  if (format === undefined) {
    const found = describeUnrecognised(bytes)
    if (found.textual) {
      throw mediaError({
        field,
        rule: 'not-media',
        limit: `${ARTICLE[expect]} file`,
        actual: found.label,
        problem: `the content is ${found.label === 'html' ? 'an HTML page' : found.label === 'json' ? 'JSON' : found.label === 'xml' ? 'XML' : 'text'}, not ${ARTICLE[expect]}`,
      })
    }
    throw mediaError({
      field,
      rule: 'format',
      limit: 'jpeg, png, bmp, webp, gif, wav, mp3, aac, m4a, flac, ogg, mp4, mov or webm',
      actual: found.label,
      problem: `the content is ${found.label === 'unknown binary data' ? 'not a recognised media format' : `${found.label}, which is not supported`}`,
    })
  }
  const role = checkRole(format, options)
  // A size read from the header is judged first: a 60000x60000 claim is rejected on its own.
  if (probe.width !== undefined && probe.height !== undefined) checkSize(probe.width, probe.height, role, options)
  if (probe.truncated === true) {
    throw mediaError({
      field,
      rule: 'truncated',
      limit: 'a complete file',
      actual: bytes.byteLength,
      actualText: `${bytes.byteLength} bytes, cut short`,
      problem: `the ${format.toUpperCase()} file is cut short: it ends before the size its header declares`,
    })
  }
  if (probe.corrupt !== undefined) {
    throw mediaError({ field, rule: 'corrupt', limit: `a playable ${format.toUpperCase()} header`, actual: probe.corrupt, problem: probe.corrupt })
  }
  // MP4-family files are left out: a fragmented M4A legitimately declares 0 in its movie header.
  if (role === 'audio' && format !== 'm4a' && probe.durationSeconds === 0) {
    throw mediaError({
      field,
      rule: 'min-duration',
      limit: 0,
      actual: 0,
      limitText: 'more than 0 s',
      actualText: '0 s',
      problem: `the ${format.toUpperCase()} holds no audio (0 seconds)`,
    })
  }
  if (role === 'image' && (probe.width === undefined || probe.height === undefined)) {
    throw mediaError({
      field,
      rule: 'format',
      limit: `a readable ${format.toUpperCase()} header`,
      actual: `${format} with a corrupt header`,
      problem: `the ${format.toUpperCase()} header is corrupt: it does not give the image size`,
    })
  }
  return {
    bytes,
    format,
    mimeType: mimeTypeOf(format),
    role,
    ...(probe.width === undefined ? {} : { width: probe.width }),
    ...(probe.height === undefined ? {} : { height: probe.height }),
    ...(probe.durationSeconds === undefined ? {} : { durationSeconds: probe.durationSeconds }),
    source: raw.source,
    fileName: safeFileName(raw.name, format),
    ...(raw.url === undefined ? {} : { url: raw.url }),
    ...(raw.path === undefined ? {} : { path: raw.path }),
  }
}

/** A declared size must be non-zero and within `maxPixels`. */
function checkSize(width: number, height: number, role: MediaRole, options: LoadMediaOptions): void {
  const { field } = options
  for (const [rule, dimension, value] of [['min-width', 'width', width], ['min-height', 'height', height]] as const) {
    if (value === 0) {
      throw mediaError({ field, rule, limit: 1, actual: 0, limitText: '1 px', actualText: '0 px', problem: `the ${role} header declares a ${dimension} of 0 px` })
    }
  }
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS
  if (width * height > maxPixels) {
    throw mediaError({
      field,
      rule: 'max-pixels',
      limit: maxPixels,
      actual: width * height,
      limitText: `${maxPixels} pixels`,
      actualText: `${width * height} pixels (${width}x${height})`,
      problem: `the ${role} header declares ${width}x${height} px, more pixels than the limit of ${maxPixels}`,
    })
  }
}
