import { describe, expect, it } from 'vitest'
import { TargetLimiter } from './target-limiter.js'

describe('TargetLimiter', () => {
  it('starts at most ratePerSecond calls per second, waiting exactly for the next token', async () => {
    let clock = 0
    const waits: number[] = []
    const limiter = new TargetLimiter(Number.POSITIVE_INFINITY, 2, () => clock, async (ms) => {
      waits.push(ms)
      clock += ms
    })
    const starts: number[] = []
    for (let index = 0; index < 5; index++) {
      const release = await limiter.acquire()
      starts.push(clock)
      release()
    }
    expect(starts).toEqual([0, 0, 500, 1000, 1500])
    expect(waits).toEqual([500, 500, 500])
  })

  it('holds callers beyond the concurrency limit until a slot is released, and honours abort while waiting', async () => {
    const limiter = new TargetLimiter(1)
    const first = await limiter.acquire()
    let secondStarted = false
    const second = limiter.acquire().then((release) => {
      secondStarted = true
      return release
    })
    const controller = new AbortController()
    const third = limiter.acquire(controller.signal)
    await Promise.resolve()
    expect(secondStarted).toBe(false)
    controller.abort(new Error('gave up'))
    await expect(third).rejects.toThrow('gave up')
    first()
    ;(await second)()
    expect(secondStarted).toBe(true)
  })
})
