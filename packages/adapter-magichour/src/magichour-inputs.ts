import {
  PortraitAnimatorError,
  assertPublicUrl,
  checkMediaLimits,
  isRemoteUrl,
  loadMedia,
  type HttpClient,
  type LoadedMedia,
  type MediaInput,
  type MediaLimits,
} from '@portrait-animator/core'
import type { ApiCall, MagicHourApi } from './magichour-api.js'
import { raceAbort } from './magichour-abort.js'
import { untrustedHostError } from './magichour-hosts.js'
import { PROVIDER, URL_EXTENSIONS } from './magichour-limits.js'
import type { MagicHourUploads } from './magichour-uploads.js'

/** An input ready to hand to Magic Hour: a URL it fetches itself, or media to upload. */
export type PreparedAsset =
  | { readonly kind: 'url'; readonly role: 'image' | 'audio'; readonly url: string }
  | { readonly kind: 'media'; readonly role: 'image' | 'audio'; readonly media: LoadedMedia }

/** What `prepareAsset` needs besides the input. */
export interface PrepareAssetOptions {
  /** The request field, for errors (`image`, `motion.audio`). */
  readonly field: string
  readonly role: 'image' | 'audio'
  readonly limits: MediaLimits
  readonly modelId: string
  readonly signal: AbortSignal
  readonly allowPrivateNetwork: boolean
  readonly fetch: typeof globalThis.fetch | undefined
}

/**
 * Checks one input before anything is sent to Magic Hour. An `http(s)` URL is validated (public
 * host, an extension Magic Hour accepts) and passed through; anything else (path, bytes, Blob,
 * `data:` URI) is read, its real format detected and checked against the limits.
 *
 * @throws PortraitAnimatorError `invalid_input` naming `field`, with `accepted: false`.
 */
export async function prepareAsset(input: MediaInput, options: PrepareAssetOptions): Promise<PreparedAsset> {
  try {
    if (isRemoteUrl(input)) {
      const url = await assertPublicUrl(typeof input === 'string' ? input.trim() : (input as URL), { field: options.field, allowPrivateNetwork: options.allowPrivateNetwork })
      checkUrlExtension(url, options)
      return { kind: 'url', role: options.role, url: url.href }
    }
    const media = await loadMedia(input, {
      field: options.field,
      expect: options.role,
      signal: options.signal,
      allowPrivateNetwork: options.allowPrivateNetwork,
      ...(options.limits.maxBytes === undefined ? {} : { maxBytes: options.limits.maxBytes }),
      ...(options.limits.maxPixels === undefined ? {} : { maxPixels: options.limits.maxPixels }),
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    })
    checkMediaLimits(media, options.limits, options.field)
    return { kind: 'media', role: options.role, media }
  } catch (error) {
    throw attribute(error, options.modelId)
  }
}

/** Magic Hour needs the file extension in a URL's path to know what it fetches. */
function checkUrlExtension(url: URL, options: PrepareAssetOptions): void {
  const extension = /\.([a-z0-9]+)$/i.exec(url.pathname)?.[1]?.toLowerCase()
  const allowed = URL_EXTENSIONS[options.role]
  if (extension !== undefined && allowed.includes(extension)) return
  throw new PortraitAnimatorError({
    kind: 'invalid_input',
    message: `Invalid ${options.field}: Magic Hour fetches URLs itself and needs one whose path ends in a ${options.role} extension (${allowed.join(', ')}); found ${extension === undefined ? 'none' : `.${extension}`}. Pass the file or its bytes instead to have it uploaded.`,
    field: options.field,
    rule: 'format',
    limit: allowed.join(', '),
    actual: extension ?? 'no extension',
  })
}

/** What `uploadAssets` needs. */
export interface UploadOptions {
  readonly api: MagicHourApi
  readonly http: HttpClient
  readonly call: ApiCall & { readonly modelId: string }
  readonly isAllowedHost: (url: string) => boolean
  /** The provider's uploads, shared by its calls. */
  readonly uploads: MagicHourUploads
}

/**
 * Uploads every `media` asset not uploaded already: one `POST /v1/files/upload-urls` for those
 * (`type` and the extension of the DETECTED format), then a `PUT` of the raw bytes to each
 * pre-signed URL, without any credentials. An asset uploaded before (same bytes) and still fresh,
 * or being uploaded for another call, is not uploaded again. Returns the value for each asset's
 * `*_file_path`, in order: the uploaded `file_path`, or the URL as it was given.
 *
 * @throws PortraitAnimatorError with `accepted: false`: nothing has been submitted yet.
 */
export async function uploadAssets(assets: readonly PreparedAsset[], options: UploadOptions): Promise<string[]> {
  const pending = assets.flatMap((asset, index) => (asset.kind === 'media' ? [{ index, media: asset.media, role: asset.role }] : []))
  const paths = assets.map((asset) => (asset.kind === 'url' ? asset.url : ''))
  if (pending.length === 0) return paths
  const modelId = options.call.modelId
  const uploads = options.uploads.filePaths(pending, {
    api: options.api,
    http: options.http,
    modelId,
    checkHost: (url, role) => {
      if (!options.isAllowedHost(url)) throw untrustedHostError(url, `an upload URL for the ${role}`, modelId, false)
    },
    putFailed: (status, retryAfterMs, role, fileName) =>
      new PortraitAnimatorError({
        kind: status >= 500 ? 'unavailable' : 'provider_error',
        message: `Uploading the ${role} (${fileName}) to Magic Hour's storage failed with HTTP ${status}.`,
        provider: PROVIDER,
        modelId,
        statusCode: status,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        accepted: false,
      }),
  })
  // The uploads are shared with other calls: this call stops waiting when its signal fires, they go on.
  const filePaths = await raceAbort(Promise.all(uploads), options.call.signal).catch((error: unknown) => {
    throw attribute(error, modelId, false)
  })
  for (const [order, item] of pending.entries()) paths[item.index] = filePaths[order]!
  return paths
}

/**
 * The same error with this adapter's provider and model on it (core's media and HTTP helpers do
 * not know them) and `accepted` as this adapter knows it: before the create call nothing can have
 * been charged, whatever the transport thinks.
 */
export function attribute(error: unknown, modelId: string, accepted: boolean | 'unknown' = false): unknown {
  if (!PortraitAnimatorError.isInstance(error)) return error
  if (error.kind === 'cancelled' || error.kind === 'timeout') return error
  return error.with({ provider: PROVIDER, modelId, accepted, cause: error.cause ?? error })
}
