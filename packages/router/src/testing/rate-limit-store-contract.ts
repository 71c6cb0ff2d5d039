import { describe, expect, it } from 'vitest'
import type { RateLimitStore } from '../state/rate-limit-store.js'
import { storeScenarioSetUp, type ContractClock, type StoreContractOptions } from './contract-clock.js'

const KEY = 'fal/live-portrait'

/** Resolves when `promise` has settled or the event loop has turned a few times, and says which. */
async function settledSoon(promise: Promise<unknown>): Promise<boolean> {
  let settled = false
  void promise.then(() => (settled = true), () => (settled = true))
  for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve))
  return settled
}

/**
 * The behaviour every `RateLimitStore` must have, as vitest scenarios. A store that takes a clock
 * and a wait function is given `clock.now` and `clock.sleep`; a real-time store runs with
 * `realTime: true`.
 *
 * @example
 * ```ts
 * rateLimitStoreContract('redis', async () => new RedisRateLimitStore(redis, { prefix: randomUUID() }), { realTime: true })
 * ```
 */
export function rateLimitStoreContract(name: string, make: (clock: ContractClock) => Promise<RateLimitStore>, options: StoreContractOptions = {}): void {
  describe(`${name} rate-limit store (contract)`, () => {
    const setUp = storeScenarioSetUp(make, options)

    it('holds calls beyond the concurrency limit until a slot is released, in order', async () => {
      const { store } = await setUp()
      const first = await store.acquire(KEY, { concurrency: 1 })
      const started: string[] = []
      const second = store.acquire(KEY, { concurrency: 1 }).then((release) => (started.push('second'), release))
      const third = store.acquire(KEY, { concurrency: 1 }).then((release) => (started.push('third'), release))
      expect(await settledSoon(second)).toBe(false)
      await first()
      await first() // a second release frees nothing more
      await (await second)()
      await (await third)()
      expect(started).toEqual(['second', 'third'])
    })

    it('rejects a waiting call with the signal reason when it aborts, and keeps no slot for it', async () => {
      const { store } = await setUp()
      const first = await store.acquire(KEY, { concurrency: 1 })
      const controller = new AbortController()
      const waiting = store.acquire(KEY, { concurrency: 1 }, controller.signal)
      controller.abort(new Error('gave up'))
      await expect(waiting).rejects.toThrow('gave up')
      await first()
      const next = store.acquire(KEY, { concurrency: 1 })
      expect(await settledSoon(next)).toBe(true)
      await (await next)()
    })

    it('starts at most ratePerSecond calls per second', async () => {
      const { store, clock } = await setUp()
      const started = clock.now()
      for (let index = 0; index < 3; index++) await (await store.acquire(KEY, { ratePerSecond: 2 }))()
      // A full bucket of 2, then the third waits for a token: half a second.
      expect(clock.now() - started).toBeGreaterThanOrEqual(490)
    })

    it('holds every call to a paused key until the pause ends, and leaves other keys alone', async () => {
      const { store, clock } = await setUp()
      const until = clock.now() + 300
      await store.pause(KEY, until)
      await (await store.acquire('magichour/talking-photo', {}))()
      expect(clock.now()).toBeLessThan(until)
      await (await store.acquire(KEY, {}))()
      expect(clock.now()).toBeGreaterThanOrEqual(until - 10)
    })
  })
}
