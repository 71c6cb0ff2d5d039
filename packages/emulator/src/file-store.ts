/** One file held by the emulator (an upload, or an output). */
export interface StoredFile {
  readonly bytes: Buffer
  readonly contentType: string
}

/**
 * In-memory files, keyed by the URL path they are served from (`/__fal/cdn/files/...`) or by a
 * provider file path (`api-assets/...`).
 */
export class FileStore {
  readonly #files = new Map<string, StoredFile>()

  put(key: string, file: StoredFile): void {
    this.#files.set(key, file)
  }

  get(key: string): StoredFile | undefined {
    return this.#files.get(key)
  }

  has(key: string): boolean {
    return this.#files.has(key)
  }

  clear(): void {
    this.#files.clear()
  }
}
