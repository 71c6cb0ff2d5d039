import { describe, expect, it } from 'vitest'
import { waitUntil } from './wait-until.js'

describe('waitUntil', () => {
  it('resolves with the first truthy value', async () => {
    let checks = 0
    await expect(waitUntil(() => (++checks >= 3 ? `after ${checks}` : undefined), { intervalMs: 1 })).resolves.toBe('after 3')
  })

  it('treats a throwing condition as not yet, and keeps its last error as the cause', async () => {
    let checks = 0
    const passing = waitUntil(
      () => {
        checks += 1
        expect(checks).toBeGreaterThan(2)
        return true
      },
      { intervalMs: 1 },
    )
    await expect(passing).resolves.toBe(true)

    const failing = waitUntil(
      () => {
        throw new Error('still 0 deliveries')
      },
      { timeoutMs: 20, intervalMs: 1, what: 'the webhook' },
    )
    await expect(failing).rejects.toThrow('Gave up waiting for the webhook after 20 ms: still 0 deliveries')
  })
})
