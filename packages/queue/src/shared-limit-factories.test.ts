import type { RateLimits } from '@portrait-animator/router'
import { describe, expect, it } from 'vitest'
import { attemptLimitStore } from './shared-limit-factories.js'

describe('attemptLimitStore', () => {
  it("counts a target's rate on attempts only until its submissions are counted on the request itself; concurrency and pauses always", async () => {
    const asked: Array<[string, RateLimits]> = []
    const paused: string[] = []
    const store = {
      acquire: async (key: string, limits: RateLimits) => (asked.push([key, limits]), async () => undefined),
      pause: async (key: string) => void paused.push(key),
    }
    const counted = new Set<string>()
    const attempts = attemptLimitStore(store, counted)
    await attempts.acquire('fal/live-portrait', { ratePerSecond: 4, concurrency: 2 })
    counted.add('fal/live-portrait')
    await attempts.acquire('fal/live-portrait', { ratePerSecond: 4, concurrency: 2 })
    await attempts.acquire('fal/live-portrait', { ratePerSecond: 4 })
    await attempts.acquire('magichour/image-to-video', { ratePerSecond: 1 })
    await attempts.pause('fal/live-portrait', 1)
    expect(asked).toEqual([
      ['fal/live-portrait', { ratePerSecond: 4, concurrency: 2 }],
      ['fal/live-portrait', { concurrency: 2 }],
      ['fal/live-portrait', {}],
      ['magichour/image-to-video', { ratePerSecond: 1 }],
    ])
    expect(paused).toEqual(['fal/live-portrait'])
  })
})
