import { assertPublicUrl, checkMediaLimits, isRemoteUrl, loadMedia, type LoadedMedia, type MediaInput, type MediaLimits, type MediaRole } from '@portrait-animator/core'

/** A media input made ready for fal: a URL fal fetches itself, or bytes to upload to fal storage. */
export type FalPreparedMedia =
  | { readonly kind: 'url'; readonly url: string }
  | { readonly kind: 'file'; readonly media: LoadedMedia }

/** Options of `prepareFalMedia`. */
export interface PrepareFalMediaOptions {
  /** The request field, named in errors (`image`, `motion.audio`). */
  readonly field: string
  readonly role: MediaRole
  /** The target's limits for this role. */
  readonly limits: MediaLimits
  readonly allowPrivateNetwork: boolean
  readonly signal?: AbortSignal | undefined
  readonly fetch?: typeof globalThis.fetch | undefined
}

/**
 * Validates one input before anything is sent to fal. An `http(s)` URL is checked (scheme, public
 * host unless `allowPrivateNetwork`) and passed through for fal to fetch; a path, bytes, a Blob or a
 * `data:` URI is read, its real format detected from the bytes and checked against the limits,
 * ready for upload.
 *
 * @throws PortraitAnimatorError `invalid_input` naming `field`.
 */
export async function prepareFalMedia(input: MediaInput, options: PrepareFalMediaOptions): Promise<FalPreparedMedia> {
  if ((typeof input === 'string' || input instanceof URL) && isRemoteUrl(input)) {
    const url = await assertPublicUrl(typeof input === 'string' ? input.trim() : input, { field: options.field, allowPrivateNetwork: options.allowPrivateNetwork })
    return { kind: 'url', url: url.href }
  }
  const media = await loadMedia(input, {
    field: options.field,
    expect: options.role,
    allowPrivateNetwork: options.allowPrivateNetwork,
    ...(options.limits.maxBytes === undefined ? {} : { maxBytes: options.limits.maxBytes }),
    // The header is judged against the target's pixel cap before anything is decoded.
    ...(options.limits.maxPixels === undefined ? {} : { maxPixels: options.limits.maxPixels }),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  })
  checkMediaLimits(media, options.limits, options.field)
  return { kind: 'file', media }
}

/** The loaded bytes as a `File` for fal storage, named and typed from the detected format. */
export function toUploadFile(media: { readonly bytes: Uint8Array; readonly fileName: string; readonly mimeType: string }): File {
  return new File([media.bytes as Uint8Array<ArrayBuffer>], media.fileName, { type: media.mimeType })
}
