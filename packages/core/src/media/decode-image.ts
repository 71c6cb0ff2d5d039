import type { ImageFormat } from '../spec/index.js'
import { mediaError } from './media-error.js'

/**
 * Formats sharp's bundled libvips decodes. BMP is not among them: an uncompressed BMP is proven
 * whole by `probeMedia`, which compares the pixel array its header declares with the file size.
 */
const DECODABLE: ReadonlySet<ImageFormat> = new Set(['jpeg', 'png', 'webp', 'gif'])

/**
 * Decoder warnings that mean pixel data is missing, not merely odd. libjpeg reports a scan cut short
 * and followed by a marker (e.g. EOI appended) only as a warning ("Corrupt JPEG data: premature end
 * of data segment") and fills the rest of the picture with grey.
 */
const MISSING_DATA = /premature end|unexpected end|truncat|incomplete/i

/** Options of `assertImageDecodes`. */
export interface AssertImageDecodesOptions {
  /** The request field, named in the error. */
  readonly field: string
  /** Pixel cap handed to the decoder, so that nothing bigger than the caller's limit is decoded. */
  readonly maxPixels: number
}

/**
 * Decodes every pixel of an image (streaming, without keeping a pixel buffer) to prove it is whole:
 * a PNG whose compressed data stops early, or a JPEG whose scan is cut short, has intact headers and
 * passes `probeMedia`, but the decode fails. Call it after the header size was checked against
 * `maxPixels`: the decode costs time in proportion to the pixel count (about 14 ms for the 512x512
 * PNG on one core).
 *
 * A decode that fails only on a warning is retried at the `error` level and accepted when the
 * warning is not about missing data (e.g. libjpeg's "extraneous bytes before marker", common in
 * real camera files).
 *
 * @throws PortraitAnimatorError `invalid_input` with rule `corrupt`.
 * @example
 * ```ts
 * await assertImageDecodes(bytes, 'png', { field: 'image', maxPixels: 4096 * 4096 })
 * ```
 */
export async function assertImageDecodes(bytes: Uint8Array, format: ImageFormat, options: AssertImageDecodesOptions): Promise<void> {
  if (!DECODABLE.has(format)) return
  const failure = await imageDecodeFailure(bytes, { maxPixels: options.maxPixels })
  if (failure === undefined) return
  throw mediaError({
    field: options.field,
    rule: 'corrupt',
    limit: `a ${format.toUpperCase()} that decodes completely`,
    actual: failure.detail,
    actualText: `decoder: ${failure.detail}`,
    problem: `the ${format.toUpperCase()} does not decode completely (its pixel data is cut short or damaged)`,
    cause: failure.cause,
  })
}

/** Why an image did not decode: the decoder's first line, and its error. */
export interface ImageDecodeFailure {
  readonly detail: string
  readonly cause: unknown
}

/**
 * Decodes every pixel of an image (a path or its bytes; every frame when `animated`) and says why it
 * failed, or `undefined` when it is whole. The one decode rule of the project, shared by input
 * validation (`assertImageDecodes`) and output checks (`checkOutputIntegrity`): strict first, then,
 * when only a warning failed it, lenient, and accepted unless the warning is about missing data.
 *
 * @example
 * ```ts
 * const failure = await imageDecodeFailure(bytes, { maxPixels: 4096 * 4096 })
 * if (failure) console.error(`broken image: ${failure.detail}`)
 * ```
 */
export async function imageDecodeFailure(input: Uint8Array | string, options: { readonly maxPixels: number; readonly animated?: boolean }): Promise<ImageDecodeFailure | undefined> {
  const { default: sharp } = await import('sharp')
  const source = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength)
  const decode = (failOn: 'warning' | 'error') =>
    sharp(source, { failOn, limitInputPixels: Math.max(1, Math.floor(options.maxPixels)), sequentialRead: true, animated: options.animated === true }).stats()
  try {
    await decode('warning')
    return undefined
  } catch (strict) {
    let lenient: unknown
    try {
      await decode('error')
    } catch (error) {
      lenient = error
    }
    if (lenient === undefined && !MISSING_DATA.test(messageOf(strict))) return undefined
    return { detail: messageOf(lenient ?? strict), cause: lenient ?? strict }
  }
}

/** The first line of a libvips error, without the loader's trailing detail lines. */
function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return text.split('\n')[0]!.trim()
}
