import { describe, expect, it } from 'vitest'
import { MemoryRateLimitStore } from '../state/memory-rate-limit-store.js'
import { TargetLimiter } from './limiter.js'

describe('limiter policy', () => {
  it('runs work in a slot and frees it however the work ends', async () => {
    const limiter = new TargetLimiter(new MemoryRateLimitStore(), 'fal/live-portrait', { concurrency: 1 })
    const signal = new AbortController().signal
    await expect(limiter.run(signal, async () => Promise.reject(new Error('failed')))).rejects.toThrow('failed')
    expect(await limiter.run(signal, async () => 'second')).toBe('second')
  })

  it('shares a pause with every limiter of the same key over the same store', async () => {
    let now = 0
    const waits: number[] = []
    const store = new MemoryRateLimitStore({ now: () => now, wait: async (ms) => void (waits.push(ms), (now += ms)) })
    const mine = new TargetLimiter(store, 'fal/live-portrait', {})
    const another = new TargetLimiter(store, 'fal/live-portrait', {})
    await mine.pauseFor(1_000, now)
    await another.run(new AbortController().signal, async () => undefined)
    expect(waits).toEqual([1_000])
  })
})
