import { checkMediaLimits, loadMedia, type ImageFormat, type MediaInput, type MediaLimits } from '@portrait-animator/core/light'

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
 * Reads an image with core's `loadMedia` (which also decodes every pixel, so a truncated or corrupt
 * file fails here rather than mid-render) and checks it against `limits` with `checkMediaLimits`.
 * @throws PortraitAnimatorError `invalid_input` naming `field` and the broken rule.
 */
export async function loadImage(
  input: MediaInput,
  limits: MediaLimits<ImageFormat>,
  options: { readonly signal?: AbortSignal | undefined; readonly field?: string } = {},
): Promise<LoadedImage> {
  const field = options.field ?? 'image'
  const media = await loadMedia(input, { field, expect: 'image', ...(limits.maxBytes === undefined ? {} : { maxBytes: limits.maxBytes }), ...(limits.maxPixels === undefined ? {} : { maxPixels: limits.maxPixels }), ...(options.signal === undefined ? {} : { signal: options.signal }) })
  checkMediaLimits(media, limits, field)
  return { bytes: media.bytes, format: media.format as ImageFormat, width: media.width ?? 0, height: media.height ?? 0 }
}
