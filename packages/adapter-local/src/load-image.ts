import { checkMediaLimits, loadMedia, type ImageFormat, type MediaInput, type MediaLimits } from '@portrait-animator/core'
import sharp from 'sharp'
import { invalidInput } from './local-errors.js'

/** An image read into memory, its format detected from the bytes. */
export interface LoadedImage {
  readonly bytes: Uint8Array
  readonly format: ImageFormat
  /** Width in pixels as stored (before any EXIF rotation). */
  readonly width: number
  /** Height in pixels as stored (before any EXIF rotation). */
  readonly height: number
}

/**
 * Reads an image with core's `loadMedia`, checks it against `limits` with `checkMediaLimits`, and
 * makes sure sharp can decode it.
 * @throws PortraitAnimatorError `invalid_input` naming `field` and the broken rule.
 */
export async function loadImage(
  input: MediaInput,
  limits: MediaLimits<ImageFormat>,
  options: { readonly signal?: AbortSignal | undefined; readonly field?: string } = {},
): Promise<LoadedImage> {
  const field = options.field ?? 'image'
  const media = await loadMedia(input, { field, expect: 'image', ...(limits.maxBytes === undefined ? {} : { maxBytes: limits.maxBytes }), ...(options.signal === undefined ? {} : { signal: options.signal }) })
  checkMediaLimits(media, limits, field)
  try {
    // Decoding the header and the pixels, so a truncated or corrupt file fails here rather than mid-render.
    await sharp(media.bytes, { failOn: 'error' }).stats()
  } catch (error) {
    throw invalidInput(field, 'decode', `The ${field} could not be decoded as ${media.format.toUpperCase()} (it may be truncated or corrupt).`, { cause: error })
  }
  return { bytes: media.bytes, format: media.format as ImageFormat, width: media.width ?? 0, height: media.height ?? 0 }
}
