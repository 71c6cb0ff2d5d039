import { abortError } from '../errors/index.js'

/**
 * At most `limit` tasks at once; the others wait in order. A waiting task whose signal fires
 * leaves the queue at once with the abort's error.
 *
 * @example
 * ```ts
 * const uploads = new ConcurrencyLimit(8)
 * const url = await uploads.run(() => upload(file), signal)
 * ```
 */
export class ConcurrencyLimit {
  #running = 0
  readonly #waiting: (() => void)[] = []

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`A concurrency limit must be a whole number of at least 1, got ${limit}.`)
  }

  /** Tasks running now. */
  get running(): number {
    return this.#running
  }

  /** Runs `task` when a slot is free. */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.#acquire(signal)
    try {
      return await task()
    } finally {
      this.#release()
    }
  }

  async #acquire(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) throw abortError(signal)
    if (this.#running < this.limit) {
      this.#running += 1
      return
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const index = this.#waiting.indexOf(grant)
        if (index >= 0) this.#waiting.splice(index, 1)
        reject(abortError(signal!))
      }
      const grant = () => {
        signal?.removeEventListener('abort', onAbort)
        this.#running += 1
        resolve()
      }
      this.#waiting.push(grant)
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  #release(): void {
    this.#running -= 1
    this.#waiting.shift()?.()
  }
}
