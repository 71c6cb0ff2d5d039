import { sleep } from '@portrait-animator/core'

/**
 * Per-target concurrency and rate limits, so batch use does not trip a provider's 429s.
 * `acquire()` resolves when a call may start (a concurrency slot is free and a token is
 * available) and returns the function that frees the slot.
 */
export class TargetLimiter {
  private active = 0
  private readonly waiting: Array<() => void> = []
  private tokens: number
  private lastRefill: number

  constructor(
    private readonly concurrency: number = Number.POSITIVE_INFINITY,
    private readonly ratePerSecond: number = Number.POSITIVE_INFINITY,
    private readonly now: () => number = Date.now,
    private readonly wait: (ms: number, signal?: AbortSignal) => Promise<void> = sleep,
  ) {
    this.tokens = Number.isFinite(ratePerSecond) ? Math.max(1, ratePerSecond) : Number.POSITIVE_INFINITY
    this.lastRefill = now()
  }

  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.active >= this.concurrency) {
      await new Promise<void>((resolve, reject) => {
        const wake = () => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        }
        const onAbort = () => {
          const index = this.waiting.indexOf(wake)
          if (index >= 0) this.waiting.splice(index, 1)
          reject(signal?.reason)
        }
        if (signal?.aborted) return reject(signal.reason)
        signal?.addEventListener('abort', onAbort, { once: true })
        this.waiting.push(wake)
      })
    }
    this.active++
    try {
      await this.takeToken(signal)
    } catch (error) {
      this.release()
      throw error
    }
    let released = false
    return () => {
      if (released) return
      released = true
      this.release()
    }
  }

  private release(): void {
    this.active--
    this.waiting.shift()?.()
  }

  private async takeToken(signal?: AbortSignal): Promise<void> {
    if (!Number.isFinite(this.ratePerSecond)) return
    for (;;) {
      const now = this.now()
      this.tokens = Math.min(Math.max(1, this.ratePerSecond), this.tokens + ((now - this.lastRefill) / 1000) * this.ratePerSecond)
      this.lastRefill = now
      if (this.tokens >= 1) {
        this.tokens -= 1
        return
      }
      const waitMs = Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000)
      await this.wait(waitMs, signal)
    }
  }
}
