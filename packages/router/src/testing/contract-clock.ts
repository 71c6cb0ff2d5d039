import { sleep } from '@portrait-animator/core'
import { waitUntil } from '@portrait-animator/core/testing'
import { afterEach } from 'vitest'

/**
 * The clock a store contract runs on. A store that takes a clock (`now`) is given `now` and never
 * really waits; a store on real time (Redis, whose clock is the server's) is run with
 * `realTime: true`, and `advance` then waits until that much real time has passed.
 */
export interface ContractClock {
  /** Milliseconds since the epoch, as the store under test should see them. */
  now(): number
  /** Moves time on by `ms`. */
  advance(ms: number): Promise<void>
  /** A `sleep(ms, signal)` that moves this clock (for stores that take a wait function). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

/** Options shared by every store contract. */
export interface StoreContractOptions {
  /** The store keeps real time: `advance(ms)` waits `ms` of real time. @default false */
  readonly realTime?: boolean
  /** Called after each scenario (close connections, remove folders). */
  readonly cleanup?: () => Promise<void>
}

/** A clock for one scenario: fake unless `realTime`. */
export function contractClock(realTime = false): ContractClock {
  const start = Date.now()
  let offset = 0
  const clock: ContractClock = {
    now: () => (realTime ? Date.now() : start + offset),
    async advance(ms) {
      offset += ms
      if (!realTime) return
      const until = Date.now() + ms
      await waitUntil(() => Date.now() >= until, { intervalMs: 5, what: `${ms} ms to pass` })
    },
    async sleep(ms, signal) {
      signal?.throwIfAborted()
      if (realTime) return sleep(ms, signal)
      // A fake wait: let other callers run first (so a release can wake a waiter), then move time.
      await new Promise((resolve) => setImmediate(resolve))
      signal?.throwIfAborted()
      offset += ms
    },
  }
  return clock
}

/**
 * For a contract suite (call it inside `describe`): runs `options.cleanup` after each scenario and
 * returns the function that gives a scenario its clock and a fresh store on that clock.
 */
export function storeScenarioSetUp<Store>(make: (clock: ContractClock) => Promise<Store>, options: StoreContractOptions): () => Promise<{ clock: ContractClock; store: Store }> {
  afterEach(async () => {
    await options.cleanup?.()
  })
  return async () => {
    const clock = contractClock(options.realTime)
    return { clock, store: await make(clock) }
  }
}
