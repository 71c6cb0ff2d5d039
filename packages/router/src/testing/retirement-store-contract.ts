import { afterEach, describe, expect, it } from 'vitest'
import type { RetirementRecord, RetirementStore, RetirementStoreOptions } from '../retirement-store.js'
import type { StoreContractOptions } from './contract-clock.js'

const DAY = 24 * 60 * 60 * 1000
const START = Date.parse('2026-01-01T00:00:00Z')

function record(target: string, endpoint: string, atMs = START): RetirementRecord {
  return { target, endpoint, at: new Date(atMs).toISOString(), reason: 'ERROR_AI_NOT_EXISTS' }
}

/**
 * The behaviour every `RetirementStore` must have, as vitest scenarios. `make` is given the
 * store's options (its clock and recheck time).
 *
 * @example
 * ```ts
 * retirementStoreContract('redis', async (options) => new RedisRetirementStore(redis, { ...options, prefix }))
 * ```
 */
export function retirementStoreContract(name: string, make: (options: RetirementStoreOptions) => Promise<RetirementStore>, options: StoreContractOptions = {}): void {
  describe(`${name} retirement store (contract)`, () => {
    afterEach(async () => {
      await options.cleanup?.()
    })

    it('remembers a retirement per target and endpoint', async () => {
      const store = await make({ now: () => START })
      await store.remember(record('ailab/live-photo', 'vendor'))
      await store.remember(record('ailab/live-photo', 'http://a.example'))
      await store.remember(record('ailab/live-photo', 'vendor'))
      expect((await store.list()).map((item) => item.endpoint).sort()).toEqual(['http://a.example', 'vendor'])
    })

    it('forgets one endpoint, or every endpoint of a target, and says how many', async () => {
      const store = await make({ now: () => START })
      await store.remember(record('ailab/live-photo', 'vendor'))
      await store.remember(record('ailab/live-photo', 'http://a.example'))
      await store.remember(record('fal/live-portrait', 'vendor'))
      expect(await store.forget('ailab/live-photo', 'http://a.example')).toBe(1)
      expect(await store.forget('ailab/live-photo', 'http://a.example')).toBe(0)
      expect(await store.forget('ailab/live-photo')).toBe(1)
      expect((await store.list()).map((item) => item.target)).toEqual(['fal/live-portrait'])
    })

    it('lets a retirement lapse after the recheck time, so the target is called again', async () => {
      let now = START
      const store = await make({ now: () => now, recheckAfterMs: DAY })
      await store.remember(record('ailab/live-photo', 'vendor'))
      now = START + DAY - 1
      expect(await store.list()).toHaveLength(1)
      now = START + DAY
      expect(await store.list()).toEqual([])
    })
  })
}
