/** Options of `SharedUploads`. */
export interface SharedUploadsOptions {
  /**
   * Finished uploads remembered at most; the ones that expire first are forgotten first.
   * @default 1000
   */
  readonly maxEntries?: number
}

interface Entry<T> {
  readonly promise: Promise<T>
  /** Epoch milliseconds until which a finished upload may be reused; `undefined` while in flight. */
  reusableUntil: number | undefined
}

/**
 * Uploads of one provider, keyed by the digest of what was uploaded (see `mediaDigest`), so each
 * distinct input is uploaded once while its storage URL lives:
 *
 * - an upload in flight is shared by every caller asking for the same key;
 * - a finished upload is reused until the time `reusableUntil` gives for it (read from `Date.now()`
 *   on every lookup), then uploaded again;
 * - a failed upload is forgotten at once: the next caller uploads again.
 *
 * The shared promise is not tied to any one caller's signal: a caller that gives up should race it
 * against its own signal, so the others still get the upload.
 *
 * @example
 * ```ts
 * const uploads = new SharedUploads<string>()
 * const url = await uploads.get(media.sha256, () => upload(bytes), () => Date.now() + 3_600_000)
 * ```
 */
export class SharedUploads<T> {
  readonly #entries = new Map<string, Entry<T>>()
  readonly #maxEntries: number

  constructor(options: SharedUploadsOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 1000
  }

  /** The upload in flight for `key`, or the finished one while it may still be reused. */
  find(key: string): Promise<T> | undefined {
    const entry = this.#entries.get(key)
    if (entry === undefined) return undefined
    if (entry.reusableUntil !== undefined && Date.now() >= entry.reusableUntil) {
      this.#entries.delete(key)
      return undefined
    }
    return entry.promise
  }

  /**
   * Registers `upload` under `key` and returns it. On success it is kept until `reusableUntil(value)`
   * (epoch milliseconds; `Infinity` for storage that never expires); on failure it is forgotten.
   */
  share(key: string, upload: Promise<T>, reusableUntil: (value: T) => number): Promise<T> {
    const entry: Entry<T> = { promise: upload, reusableUntil: undefined }
    this.#entries.set(key, entry)
    upload.then(
      (value) => {
        if (this.#entries.get(key) !== entry) return
        entry.reusableUntil = reusableUntil(value)
        if (!(entry.reusableUntil > Date.now())) this.#entries.delete(key)
        this.#prune()
      },
      () => {
        if (this.#entries.get(key) === entry) this.#entries.delete(key)
      },
    )
    return upload
  }

  /** `find(key)`, or else `start()` shared under `key`. */
  get(key: string, start: () => Promise<T>, reusableUntil: (value: T) => number): Promise<T> {
    return this.find(key) ?? this.share(key, start(), reusableUntil)
  }

  /** Number of uploads remembered (in flight or reusable). */
  get size(): number {
    return this.#entries.size
  }

  /** Forgets expired uploads, then the soonest to expire while there are too many. */
  #prune(): void {
    if (this.#entries.size <= this.#maxEntries) return
    const now = Date.now()
    for (const [key, entry] of this.#entries) {
      if (entry.reusableUntil !== undefined && now >= entry.reusableUntil) this.#entries.delete(key)
    }
    const finished = [...this.#entries].filter(([, entry]) => entry.reusableUntil !== undefined).sort(([, a], [, b]) => a.reusableUntil! - b.reusableUntil!)
    for (const [key] of finished) {
      if (this.#entries.size <= this.#maxEntries) break
      this.#entries.delete(key)
    }
  }
}
