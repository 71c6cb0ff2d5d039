import { ConcurrencyLimit, extensionOf, SharedUploads, uploadFile, type HttpClient, type LoadedMedia } from '@portrait-animator/core'
import type { MagicHourApi } from './magichour-api.js'

/** The default of `maxConcurrentUploads`. */
export const DEFAULT_MAX_CONCURRENT_UPLOADS = 8

/** A signal that never fires: shared uploads belong to no single caller. */
const SHARED = new AbortController().signal

/** Where an upload went and until when Magic Hour's storage keeps it reachable (epoch ms). */
interface StoredAsset {
  readonly filePath: string
  readonly expiresAt: number
}

/** One asset to upload. */
export interface AssetToUpload {
  readonly media: LoadedMedia
  readonly role: 'image' | 'audio'
}

/** What an upload needs from the call: the API, the storage client and the upload-URL policy. */
export interface UploadContext {
  readonly api: MagicHourApi
  readonly http: HttpClient
  readonly modelId: string
  /** Puts the error for an upload URL on a host that is not trusted. */
  readonly checkHost: (url: string, role: string) => void
  /** Makes the error of a failed `PUT`. */
  readonly putFailed: (status: number, retryAfterMs: number | undefined, role: string, fileName: string) => unknown
}

/**
 * The uploads of one `createMagicHour` instance: each distinct asset (by SHA-256 of its bytes) is
 * uploaded once and its `file_path` reused for half the time its upload URL was valid; an upload
 * in flight is shared by concurrent jobs, a failed one forgotten; at most `maxConcurrent` `PUT`s
 * run at once. The assets one call still needs are asked for in one `upload-urls` request.
 */
export class MagicHourUploads {
  readonly #shared = new SharedUploads<StoredAsset>()
  readonly #limit: ConcurrencyLimit

  constructor(maxConcurrent: number = DEFAULT_MAX_CONCURRENT_UPLOADS) {
    this.#limit = new ConcurrencyLimit(maxConcurrent)
  }

  /** The `file_path` of each asset, in order: reused, in flight, or uploaded now. */
  filePaths(assets: readonly AssetToUpload[], context: UploadContext): Promise<string>[] {
    const digests = assets.map((asset) => asset.media.sha256)
    const uploads = new Map<string, Promise<StoredAsset>>()
    const missing = new Map<string, AssetToUpload>()
    for (const [index, digest] of digests.entries()) {
      const found = uploads.get(digest) ?? this.#shared.find(digest)
      if (found === undefined) missing.set(digest, assets[index]!)
      else uploads.set(digest, found)
    }
    if (missing.size > 0) {
      const targets = context.api.createUploadUrls(
        [...missing.values()].map((asset) => ({ type: asset.role, extension: extensionOf(asset.media.format) })),
        { signal: SHARED, modelId: context.modelId },
      )
      for (const [order, [digest, asset]] of [...missing].entries()) {
        const upload = targets.then(async (answers) => {
          const target = answers[order]!
          await this.#limit.run(() => put(target.upload_url, asset, digest, context))
          return { filePath: target.file_path, expiresAt: Date.parse(target.expires_at ?? '') }
        })
        uploads.set(digest, this.#shared.share(digest, upload, reusableUntil))
      }
    }
    return digests.map((digest) => uploads.get(digest)!.then((stored) => stored.filePath))
  }
}

/** Half the remaining life of the upload URL; not reused at all when Magic Hour gave no expiry. */
function reusableUntil(stored: StoredAsset): number {
  if (!Number.isFinite(stored.expiresAt)) return 0
  const now = Date.now()
  return now + (stored.expiresAt - now) / 2
}

async function put(url: string, asset: AssetToUpload, digest: string, context: UploadContext): Promise<void> {
  context.checkHost(url, asset.role)
  // An untyped File: no Content-Type the pre-signed URL was not signed for.
  const body = await uploadFile({ ...asset.media, mimeType: '' }, digest)
  const response = await context.http.request(url, { method: 'PUT', body })
  await response.discard()
  if (!response.ok) throw context.putFailed(response.status, response.retryAfterMs, asset.role, asset.media.fileName)
}
