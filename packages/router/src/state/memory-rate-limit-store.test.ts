import { describe, expect, it } from 'vitest'
import { MemoryRateLimitStore } from './memory-rate-limit-store.js'

/** A store whose waits move a fake clock instead of sleeping. */
function storeWithFakeClock() {
  const clock = { now: 0, waits: [] as number[] }
  const store = new MemoryRateLimitStore({
    now: () => clock.now,
    wait: async (ms) => {
      clock.waits.push(ms)
      clock.now += ms
    },
  })
  return { store, clock }
}

describe('MemoryRateLimitStore', () => {
  it('starts at most ratePerSecond calls per second, waiting exactly for the next token', async () => {
    const { store, clock } = storeWithFakeClock()
    const starts: number[] = []
    for (let index = 0; index < 5; index++) {
      const release = await store.acquire('fal/live-portrait', { ratePerSecond: 2 })
      starts.push(clock.now)
      await release()
    }
    expect(starts).toEqual([0, 0, 500, 1000, 1500])
    expect(clock.waits).toEqual([500, 500, 500])
  })

  it('holds every caller of a paused key until the pause ends, and only that key', async () => {
    const { store, clock } = storeWithFakeClock()
    await store.pause('fal/live-portrait', 2_000)
    await (await store.acquire('magichour/talking-photo', {}))()
    expect(clock.now).toBe(0)
    await (await store.acquire('fal/live-portrait', {}))()
    expect(clock.now).toBe(2_000)
  })

  it('holds a caller already waiting for its rate token when a pause begins during that wait', async () => {
    const clock = { now: 0 }
    const store: MemoryRateLimitStore = new MemoryRateLimitStore({
      now: () => clock.now,
      wait: async (ms) => {
        // A 429 arrives (Retry-After 3 s) while the caller sleeps for its token.
        if (clock.now === 0) await store.pause('fal/live-portrait', 3_000)
        clock.now += ms
      },
    })
    await (await store.acquire('fal/live-portrait', { ratePerSecond: 1 }))()
    await (await store.acquire('fal/live-portrait', { ratePerSecond: 1 }))()
    expect(clock.now).toBe(3_000)
  })
})
