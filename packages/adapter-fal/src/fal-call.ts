import type { PortraitAnimatorError } from '@portrait-animator/core'

/** What the fetch hook saw of the last HTTP exchange of one call. */
export interface FalExchange {
  readonly status: number
  readonly headers: Headers
}

/**
 * One operation through `@fal-ai/client` (a submit, a status poll, a result fetch, a cancel).
 *
 * The client passes our `signal` through to `fetch` untouched, so the fetch hook finds the call by
 * its signal and records what the client does not keep (response headers such as `Retry-After` and
 * `X-Fal-Retryable`), and knows whether the client may retry it (`retry: false` for submits).
 */
export class FalCall {
  readonly #controller = new AbortController()
  readonly #parent: AbortSignal | undefined
  readonly #onParentAbort = () => this.#controller.abort(this.#parent?.reason)
  /** Whether the client's own retries are allowed for this call. */
  readonly retry: boolean
  /** True once a request of this call was handed to `fetch`. */
  sent = false
  /** Number of HTTP requests the call made (the client's own retries included). */
  requests = 0
  /** The last response seen. */
  exchange: FalExchange | undefined

  constructor(registry: FalCallRegistry, options: { readonly signal?: AbortSignal | undefined; readonly retry: boolean }) {
    this.retry = options.retry
    this.#parent = options.signal
    if (options.signal?.aborted) this.#controller.abort(options.signal.reason)
    else options.signal?.addEventListener('abort', this.#onParentAbort, { once: true })
    registry.register(this)
  }

  /** The signal to hand to the client; it fires when the caller's signal does. */
  get signal(): AbortSignal {
    return this.#controller.signal
  }

  /**
   * Runs `operation` and settles as soon as the caller aborts, even if the client is sleeping
   * between its own retries (its sleep cannot be interrupted), so following stops promptly.
   */
  async run<T>(operation: () => Promise<T>, onAbort: (signal: AbortSignal) => PortraitAnimatorError): Promise<T> {
    const parent = this.#parent
    if (parent?.aborted) throw onAbort(parent)
    return settleOnAbort(operation(), parent, onAbort)
  }

  /** Stops listening to the caller's signal. */
  end(): void {
    this.#parent?.removeEventListener('abort', this.#onParentAbort)
  }
}

/** Finds the call a `fetch` belongs to from the signal the client passed along. */
export class FalCallRegistry {
  readonly #calls = new WeakMap<AbortSignal, FalCall>()

  register(call: FalCall): void {
    this.#calls.set(call.signal, call)
  }

  find(signal: AbortSignal | null | undefined): FalCall | undefined {
    return signal ? this.#calls.get(signal) : undefined
  }
}

/**
 * `work`, or the error `onAbort` builds as soon as `signal` fires, whichever comes first. The
 * abandoned `work` is left to finish on its own, its failure ignored.
 */
export async function settleOnAbort<T>(
  work: Promise<T>,
  signal: AbortSignal | undefined,
  onAbort: (signal: AbortSignal) => PortraitAnimatorError,
): Promise<T> {
  if (!signal) return work
  work.catch(() => undefined)
  if (signal.aborted) throw onAbort(signal)
  let listener: (() => void) | undefined
  const aborted = new Promise<never>((_, reject) => {
    listener = () => reject(onAbort(signal))
    signal.addEventListener('abort', listener, { once: true })
  })
  try {
    return await Promise.race([work, aborted])
  } finally {
    if (listener) signal.removeEventListener('abort', listener)
  }
}
