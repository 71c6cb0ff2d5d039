import { describe, expect, it } from 'vitest'
import type { BreakerSettings, BreakerStore } from '../state/breaker-store.js'
import { storeScenarioSetUp, type ContractClock, type StoreContractOptions } from './contract-clock.js'

const SETTINGS: BreakerSettings = { failureThreshold: 3, cooldownMs: 200, probeLeaseMs: 400 }
const TARGET = 'fal/live-portrait'

async function fail(store: BreakerStore, times: number, target = TARGET): Promise<boolean[]> {
  const opened: boolean[] = []
  for (let index = 0; index < times; index++) opened.push((await store.record(target, 'failure', SETTINGS)).opened)
  return opened
}

/**
 * The behaviour every `BreakerStore` must have, as vitest scenarios. Run it against your store:
 *
 * @example
 * ```ts
 * import { breakerStoreContract } from '@portrait-animator/router/testing'
 * breakerStoreContract('redis', async (clock) => new RedisBreakerStore(redis, { prefix: randomUUID() }), { realTime: true })
 * ```
 */
export function breakerStoreContract(name: string, make: (clock: ContractClock) => Promise<BreakerStore>, options: StoreContractOptions = {}): void {
  describe(`${name} breaker store (contract)`, () => {
    const setUp = storeScenarioSetUp(make, options)

    it('opens after failureThreshold consecutive failures, and a success in between starts the count again', async () => {
      const { store } = await setUp()
      expect(await fail(store, 2)).toEqual([false, false])
      await store.record(TARGET, 'success', SETTINGS)
      expect(await fail(store, 2)).toEqual([false, false])
      expect(await store.tryAcquire(TARGET, SETTINGS)).toBe(true)
      expect(await fail(store, 1)).toEqual([true])
      expect(await store.tryAcquire(TARGET, SETTINGS)).toBe(false)
      expect(await store.state(TARGET, SETTINGS)).toMatchObject({ state: 'open', failures: 3 })
      expect(await store.tryAcquire('magichour/talking-photo', SETTINGS)).toBe(true)
    })

    it('lets exactly one caller probe after the cooldown, among many at once', async () => {
      const { store, clock } = await setUp()
      await fail(store, 3)
      await clock.advance(SETTINGS.cooldownMs)
      const answers = await Promise.all(Array.from({ length: 10 }, () => store.tryAcquire(TARGET, SETTINGS)))
      expect(answers.filter(Boolean)).toHaveLength(1)
      expect(await store.state(TARGET, SETTINGS)).toMatchObject({ state: 'half-open', probing: true })
    })

    it('closes on the probe success and opens again on the probe failure', async () => {
      const { store, clock } = await setUp()
      await fail(store, 3)
      await clock.advance(SETTINGS.cooldownMs)
      expect(await store.tryAcquire(TARGET, SETTINGS)).toBe(true)
      expect(await fail(store, 1)).toEqual([true])
      expect(await store.tryAcquire(TARGET, SETTINGS)).toBe(false)
      await clock.advance(SETTINGS.cooldownMs)
      expect(await store.tryAcquire(TARGET, SETTINGS)).toBe(true)
      await store.record(TARGET, 'success', SETTINGS)
      expect(await store.state(TARGET, SETTINGS)).toMatchObject({ state: 'closed' })
      expect(await store.tryAcquire(TARGET, SETTINGS)).toBe(true)
    })

    it('frees the probe on a neutral outcome, and when its lease lapses (a probe that never reported)', async () => {
      const { store, clock } = await setUp()
      await fail(store, 3)
      await clock.advance(SETTINGS.cooldownMs)
      expect(await store.tryAcquire(TARGET, SETTINGS)).toBe(true)
      await store.record(TARGET, 'neutral', SETTINGS)
      expect(await store.tryAcquire(TARGET, SETTINGS)).toBe(true)
      expect(await store.tryAcquire(TARGET, SETTINGS)).toBe(false)
      await clock.advance(SETTINGS.probeLeaseMs!)
      expect(await store.tryAcquire(TARGET, SETTINGS)).toBe(true)
    })

    it('lists breakers that opened, and reset closes one', async () => {
      const { store } = await setUp()
      await fail(store, 3)
      await fail(store, 1, 'magichour/talking-photo')
      expect(await store.list()).toEqual([expect.objectContaining({ target: TARGET, state: 'open' })])
      expect(await store.reset(TARGET)).toBe(true)
      expect(await store.reset(TARGET)).toBe(false)
      expect(await store.list()).toEqual([])
      expect(await store.tryAcquire(TARGET, SETTINGS)).toBe(true)
      expect(await store.state(TARGET, SETTINGS)).toMatchObject({ state: 'closed', failures: 0 })
    })
  })
}
