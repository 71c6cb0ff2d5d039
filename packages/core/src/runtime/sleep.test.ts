import { describe, expect, it } from 'vitest'
import { sleep } from './sleep.js'

describe('sleep', () => {
  it('resolves after the time when nothing aborts', async () => {
    await expect(sleep(5)).resolves.toBeUndefined()
    await expect(sleep(0, new AbortController().signal)).resolves.toBeUndefined()
  })

  it('rejects with the reason as soon as the signal aborts, however long the sleep (beyond the 2^31-1 ms setTimeout cap too)', async () => {
    const controller = new AbortController()
    const waiting = sleep(Number.MAX_SAFE_INTEGER, controller.signal)
    controller.abort(new Error('stop'))
    await expect(waiting).rejects.toThrow('stop')
  })

  it('rejects at once for a signal that already aborted, even for a zero wait', async () => {
    const controller = new AbortController()
    controller.abort('gone')
    await expect(sleep(0, controller.signal)).rejects.toBe('gone')
  })

  it('leaves no listener on the signal once it has slept', async () => {
    const controller = new AbortController()
    const added: unknown[] = []
    const removed: unknown[] = []
    const signal = controller.signal
    const add = signal.addEventListener.bind(signal)
    const remove = signal.removeEventListener.bind(signal)
    signal.addEventListener = ((type: string, listener: EventListener, options?: AddEventListenerOptions) => (added.push(listener), add(type, listener, options))) as typeof signal.addEventListener
    signal.removeEventListener = ((type: string, listener: EventListener) => (removed.push(listener), remove(type, listener))) as typeof signal.removeEventListener
    await sleep(1, signal)
    expect(removed).toEqual(added)
  })
})
