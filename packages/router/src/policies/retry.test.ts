import { describe, expect, it } from 'vitest'
import { PortraitAnimatorError } from '@portrait-animator/core'
import { finalError, retryDelayFor, withRetries, type RetrySettings } from './retry.js'

const backoff = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 5_000 }
const paid: RetrySettings = { backoff, free: false, random: () => 1 }
const unavailable = (extra: Partial<ConstructorParameters<typeof PortraitAnimatorError>[0]> = {}) => new PortraitAnimatorError({ kind: 'unavailable', message: 'down', ...extra })

describe('retry policy', () => {
  it('backs off exponentially with full jitter up to maxDelayMs, and stops after maxAttempts', () => {
    expect(retryDelayFor(unavailable(), 1, paid)).toBe(100)
    expect(retryDelayFor(unavailable(), 2, { ...paid, random: () => 0.5 })).toBe(100)
    expect(retryDelayFor(unavailable(), 3, paid)).toBeUndefined()
  })

  it('waits exactly a Retry-After, or gives up on the target when it asks too much', () => {
    expect(retryDelayFor(unavailable({ kind: 'rate_limited', retryAfterMs: 2_000 }), 1, paid)).toBe(2_000)
    expect(retryDelayFor(unavailable({ kind: 'rate_limited', retryAfterMs: 60_000 }), 1, paid)).toBeUndefined()
  })

  it('never resubmits a paid call that may have left a billed job, but does on a free target', () => {
    expect(retryDelayFor(unavailable({ accepted: 'unknown' }), 1, paid)).toBeUndefined()
    expect(retryDelayFor(unavailable({ accepted: 'unknown' }), 1, { ...paid, free: true })).toBe(100)
    expect(retryDelayFor(new PortraitAnimatorError({ kind: 'no_face', message: 'none' }), 1, paid)).toBeUndefined()
  })

  it('runs tries until one succeeds, announcing each wait', async () => {
    const announced: Array<[number, number]> = []
    let calls = 0
    const result = await withRetries(async () => (++calls < 3 ? Promise.reject(unavailable()) : 'done'), {
      settings: { ...paid, backoff: { ...backoff, baseDelayMs: 0 } },
      signal: new AbortController().signal,
      onRetry: (next, delayMs) => announced.push([next, delayMs]),
      ended: () => unavailable(),
    })
    expect(result).toBe('done')
    expect(announced).toEqual([[2, 0], [3, 0]])
  })

  it('stops at a final error, and ends with the given error when the request aborts during a wait', async () => {
    let calls = 0
    await expect(withRetries(async () => Promise.reject(finalError(unavailable({ message: 'breaker opened' }))), { settings: paid, signal: new AbortController().signal, onRetry: () => calls++, ended: () => unavailable() })).rejects.toThrow('breaker opened')
    expect(calls).toBe(0)
    const controller = new AbortController()
    const run = withRetries(async () => Promise.reject(unavailable()), {
      settings: { ...paid, backoff: { ...backoff, baseDelayMs: 60_000, maxDelayMs: 60_000 } },
      signal: controller.signal,
      onRetry: () => controller.abort(),
      ended: () => new PortraitAnimatorError({ kind: 'cancelled', message: 'The request was cancelled.' }),
    })
    await expect(run).rejects.toMatchObject({ kind: 'cancelled' })
  })
})
