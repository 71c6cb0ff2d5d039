import { describe, expect, it } from 'vitest'
import { checkRateLimits, ProviderRateLimiter } from './rate-limiter.js'

describe('ProviderRateLimiter', () => {
  it('admits at most the limit in any one-second window and says how long until the next', () => {
    const limiter = new ProviderRateLimiter({ fal: 2 })
    expect(limiter.admit('fal.submit', 0)).toEqual({ admitted: true })
    expect(limiter.admit('fal.run', 10)).toEqual({ admitted: true })
    expect(limiter.admit('fal.submit', 500)).toEqual({ admitted: false, provider: 'fal', limit: 2, retryAfterMs: 500 })
    // A refused request is not counted: the window frees at 1000 and 1010 as if it never came.
    expect(limiter.admit('fal.submit', 1000)).toEqual({ admitted: true })
    expect(limiter.admit('fal.submit', 1005)).toMatchObject({ admitted: false, retryAfterMs: 5 })
    expect(limiter.admit('fal.submit', 1010)).toEqual({ admitted: true })
  })

  it('counts only paid submission routes, per provider, and spreads limits below 1 over a longer window', () => {
    const limiter = new ProviderRateLimiter({ magichour: 0.5, fal: 1 })
    for (let index = 0; index < 5; index++) expect(limiter.admit('fal.status', index)).toEqual({ admitted: true })
    expect(limiter.admit('replicate.create', 0)).toEqual({ admitted: true })
    expect(limiter.admit('replicate.create', 1)).toEqual({ admitted: true })
    expect(limiter.admit('magichour.create', 0)).toEqual({ admitted: true })
    expect(limiter.admit('fal.submit', 0)).toEqual({ admitted: true })
    expect(limiter.admit('magichour.create', 1500)).toMatchObject({ admitted: false, retryAfterMs: 500 })
    expect(limiter.admit('magichour.create', 2000)).toEqual({ admitted: true })
    limiter.reset()
    expect(limiter.admit('fal.submit', 1)).toEqual({ admitted: true })
  })

  it('refuses limits that are not positive numbers, and unknown providers', () => {
    expect(() => checkRateLimits({ fal: 2, magichour: 0.5 })).not.toThrow()
    for (const bad of [{ fal: 0 }, { fal: -1 }, { fal: Number.NaN }, { fal: Infinity }, { openai: 2 }]) {
      expect(() => checkRateLimits(bad as never)).toThrow(expect.objectContaining({ kind: 'invalid_config' }))
    }
  })
})
