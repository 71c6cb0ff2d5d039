import { describe, expect, it } from 'vitest'
import { withDeadline } from './with-deadline.js'

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('withDeadline', () => {
  it('aborts with a TimeoutError when the deadline passes, even after a garbage collection', async () => {
    const deadline = withDeadline(undefined, 20)
    const signal = deadline.signal
    ;(globalThis as { gc?: () => void }).gc?.()
    await tick(60)
    expect(signal.aborted).toBe(true)
    expect((signal.reason as DOMException).name).toBe('TimeoutError')
  })

  it('follows the parent with its reason, and stops after clear()', async () => {
    const parent = new AbortController()
    const first = withDeadline(parent.signal, 1000)
    parent.abort(new Error('user stop'))
    expect(first.signal.reason).toEqual(new Error('user stop'))

    const other = new AbortController()
    const second = withDeadline(other.signal, 20)
    second.clear()
    other.abort()
    await tick(40)
    expect(second.signal.aborted).toBe(false)
  })

  it('starts aborted for an already-aborted parent; no deadline when timeoutMs is undefined', async () => {
    const parent = new AbortController()
    parent.abort('gone')
    expect(withDeadline(parent.signal, 1000).signal.reason).toBe('gone')
    const open = withDeadline(undefined, undefined)
    await tick(10)
    expect(open.signal.aborted).toBe(false)
  })

  it('says whether the deadline itself fired, and how much time is left', async () => {
    const parent = new AbortController()
    const cancelled = withDeadline(parent.signal, 10_000)
    expect(cancelled.remainingMs()).toBeGreaterThan(0)
    parent.abort()
    expect(cancelled.timedOut).toBe(false)
    cancelled.clear()
    const late = withDeadline(undefined, 1)
    await tick(30)
    expect(late.timedOut).toBe(true)
    expect(late.remainingMs()).toBe(0)
    expect(withDeadline(undefined, undefined).remainingMs()).toBe(Infinity)
  })
})
