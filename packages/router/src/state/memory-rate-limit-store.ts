import { sleep } from '@portrait-animator/core'
import type { RateLimits, RateLimitStore, ReleaseSlot } from './rate-limit-store.js'

/** One key's counters: calls in flight, the token bucket, and a pause after a 429. */
interface KeyState {
  active: number
  readonly waiting: Array<() => void>
  /** Tokens left; set to a full bucket on the first rate-limited call. */
  tokens: number | undefined
  lastRefill: number
  pausedUntil: number
}

/** Options of `MemoryRateLimitStore`, mostly for tests. */
export interface MemoryRateLimitStoreOptions {
  /** Clock. @default Date.now */
  readonly now?: () => number
  /** How to wait for the next token or the end of a pause. @default sleep */
  readonly wait?: (ms: number, signal?: AbortSignal) => Promise<void>
}

/**
 * Per-key limits counted in this process (the default): at most `concurrency` calls in flight
 * (later callers queue in order), at most `ratePerSecond` starts per second (a token bucket of that
 * size), and no start before a `pause` ends.
 */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly keys = new Map<string, KeyState>()
  private readonly now: () => number
  private readonly wait: (ms: number, signal?: AbortSignal) => Promise<void>

  constructor(options: MemoryRateLimitStoreOptions = {}) {
    this.now = options.now ?? Date.now
    this.wait = options.wait ?? sleep
  }

  async acquire(key: string, limits: RateLimits, signal?: AbortSignal): Promise<ReleaseSlot> {
    signal?.throwIfAborted()
    const state = this.stateOf(key)
    await this.takeSlot(state, limits.concurrency ?? Number.POSITIVE_INFINITY, signal)
    try {
      await this.takeStart(state, limits.ratePerSecond, signal)
    } catch (error) {
      this.release(state)
      throw error
    }
    let released = false
    return async () => {
      if (released) return
      released = true
      this.release(state)
    }
  }

  async pause(key: string, untilMs: number): Promise<void> {
    const state = this.stateOf(key)
    state.pausedUntil = Math.max(state.pausedUntil, untilMs)
  }

  private stateOf(key: string): KeyState {
    let state = this.keys.get(key)
    if (!state) {
      state = { active: 0, waiting: [], tokens: undefined, lastRefill: this.now(), pausedUntil: 0 }
      this.keys.set(key, state)
    }
    return state
  }

  private async takeSlot(state: KeyState, concurrency: number, signal?: AbortSignal): Promise<void> {
    if (state.active >= concurrency) {
      await new Promise<void>((resolve, reject) => {
        const wake = () => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        }
        const onAbort = () => {
          const index = state.waiting.indexOf(wake)
          if (index >= 0) state.waiting.splice(index, 1)
          reject(signal?.reason)
        }
        signal?.addEventListener('abort', onAbort, { once: true })
        state.waiting.push(wake)
      })
    }
    state.active++
  }

  private release(state: KeyState): void {
    state.active--
    state.waiting.shift()?.()
  }

  /**
   * Waits for the end of any pause and for a rate token. The pause is looked at again after every
   * wait for a token: a 429 that arrives while a caller waits for its token holds that caller too.
   */
  private async takeStart(state: KeyState, ratePerSecond: number | undefined, signal?: AbortSignal): Promise<void> {
    const limited = ratePerSecond !== undefined && Number.isFinite(ratePerSecond)
    const size = limited ? Math.max(1, ratePerSecond) : 0
    for (;;) {
      for (let left = state.pausedUntil - this.now(); left > 0; left = state.pausedUntil - this.now()) await this.wait(left, signal)
      if (!limited) return
      const now = this.now()
      state.tokens = Math.min(size, (state.tokens ?? size) + ((now - state.lastRefill) / 1000) * ratePerSecond)
      state.lastRefill = now
      if (state.tokens >= 1) {
        state.tokens -= 1
        return
      }
      await this.wait(Math.ceil(((1 - state.tokens) / ratePerSecond) * 1000), signal)
    }
  }
}
