import { describe, expect, it } from 'vitest'
import { waitUntil } from '../testing/index.js'
import { ConcurrencyLimit } from './concurrency-limit.js'

describe('ConcurrencyLimit', () => {
  it('runs at most `limit` tasks at once, the rest in order, and lets an aborted waiter go', async () => {
    const limit = new ConcurrencyLimit(2)
    const releases: (() => void)[] = []
    const order: number[] = []
    let most = 0
    const task = (id: number) => () =>
      new Promise<number>((resolve) => {
        order.push(id)
        most = Math.max(most, limit.running)
        releases.push(() => resolve(id))
      })
    const controller = new AbortController()
    const runs = [limit.run(task(1)), limit.run(task(2)), limit.run(task(3), controller.signal), limit.run(task(4))]
    await waitUntil(() => releases.length === 2)
    controller.abort()
    await expect(runs[2]).rejects.toMatchObject({ kind: 'cancelled' })
    while (releases.length > 0) {
      releases.shift()!()
      await waitUntil(() => releases.length > 0 || order.length === 3)
    }
    expect(await Promise.all([runs[0], runs[1], runs[3]])).toEqual([1, 2, 4])
    expect(order).toEqual([1, 2, 4])
    expect(most).toBe(2)
  })
})
