import { ConcurrencyLimit, SharedUploads, uploadFile, type LoadedMedia } from '@portrait-animator/core'
import { settleOnAbort } from './fal-call.js'
import { falAbortError } from './fal-errors.js'
import type { FalQueue } from './fal-queue.js'
import { DEFAULT_MAX_CONCURRENT_UPLOADS, type FalLifetime } from './fal-settings.js'

/**
 * The uploads of one `createFal` instance: each distinct input (by SHA-256 of its bytes) is
 * uploaded to fal storage once and its URL reused for half the upload's lifetime (leaving the other
 * half for a queued job to fetch it); at most `maxConcurrent` uploads run at once.
 */
export class FalUploads {
  readonly #shared = new SharedUploads<string>()
  readonly #limit: ConcurrencyLimit

  constructor(
    private readonly queue: FalQueue,
    private readonly lifetime: FalLifetime,
    maxConcurrent: number = DEFAULT_MAX_CONCURRENT_UPLOADS,
  ) {
    this.#limit = new ConcurrencyLimit(maxConcurrent)
  }

  /**
   * The fal storage URL of `media`: an upload still fresh, the one in flight, or a new one. The
   * upload is shared by concurrent jobs and not tied to one caller's signal; the caller stops
   * waiting at once when its signal fires.
   */
  async url(media: LoadedMedia, context: { readonly modelId: string; readonly signal?: AbortSignal | undefined }): Promise<string> {
    const digest = media.sha256
    const shared = this.#shared.get(
      digest,
      () => this.#limit.run(async () => this.queue.upload(await uploadFile(media, digest), { modelId: context.modelId })),
      () => this.#reusableUntil(),
    )
    return settleOnAbort(shared, context.signal, (aborted) => falAbortError(aborted, { modelId: context.modelId, operation: 'upload' }))
  }

  /** Runs another upload (the bundled driving clip) within the same concurrency cap. */
  limit<T>(upload: () => Promise<T>): Promise<T> {
    return this.#limit.run(upload)
  }

  #reusableUntil(): number {
    return this.lifetime === 'never' ? Number.POSITIVE_INFINITY : Date.now() + (this.lifetime * 1000) / 2
  }
}
