import { describe, expect, it } from 'vitest'
import { settleAfterAbort } from './settle-after-abort.js'

const context = { provider: 'stuck', modelId: 'model' }

describe('settleAfterAbort', () => {
  it('stops waiting for work that ignores an abort, and says the call may have been accepted', async () => {
    const controller = new AbortController()
    const never = new Promise<string>(() => undefined)
    const settled = settleAfterAbort(never, controller.signal, 10, context)
    controller.abort()
    await expect(settled).rejects.toMatchObject({ kind: 'cancelled', accepted: 'unknown', provider: 'stuck' })
  })

  it('reports a deadline as timeout', async () => {
    const controller = new AbortController()
    const settled = settleAfterAbort(new Promise<string>(() => undefined), controller.signal, 10, context)
    controller.abort(new DOMException('late', 'TimeoutError'))
    await expect(settled).rejects.toMatchObject({ kind: 'timeout' })
  })

  it('passes through work that settles, before or within the grace period', async () => {
    const controller = new AbortController()
    expect(await settleAfterAbort(Promise.resolve('done'), controller.signal, 10, context)).toBe('done')
    const late = new Promise<string>((resolve) => setTimeout(() => resolve('wound down'), 5))
    const settled = settleAfterAbort(late, controller.signal, 50, context)
    controller.abort()
    expect(await settled).toBe('wound down')
  })
})
