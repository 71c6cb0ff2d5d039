import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { PortraitAnimatorError, type AnimationRequest, type PortraitAnimator } from '@portrait-animator/core'
import { createScriptedAnimator } from '@portrait-animator/core/testing'
import { createRouter } from './create-router.js'

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')
const livePhoto: AnimationRequest = { image: PNG, motion: { type: 'preset', preset: 'live-photo' } }

setFlagsFromString('--expose-gc')
const collectGarbage = runInNewContext('gc') as () => void

/** A paid target that answers only when its signal aborts, as a provider that never replies does. */
function silentTarget(): PortraitAnimator & { readonly signals: AbortSignal[] } {
  const base = createScriptedAnimator({ provider: 'fal', modelId: 'live-portrait', capabilities: { offline: false } })
  const signals: AbortSignal[] = []
  return {
    ...base,
    signals,
    animate: (_request, options = {}) =>
      new Promise((_resolve, reject) => {
        const signal = options.signal!
        signals.push(signal)
        signal.addEventListener('abort', () => reject(new PortraitAnimatorError({ kind: 'cancelled', message: 'aborted', accepted: false })), { once: true })
      }),
  }
}

describe('the attempt deadline (timeouts.attemptMs)', () => {
  it('still ends the attempt when garbage is collected while it runs, and the route moves on', async () => {
    const silent = silentTarget()
    const local = createScriptedAnimator({ provider: 'local', modelId: 'warp', capabilities: { offline: true } })
    const router = await createRouter(
      {
        providers: { fal: { adapter: 'fal' }, local: { adapter: 'local' } },
        routes: { default: { strategy: 'fallback', targets: ['fal/live-portrait', 'local/warp'] } },
        retry: { maxAttempts: 1 },
        // A whole-request deadline, so that a lost attempt deadline fails the test instead of hanging it.
        timeouts: { attemptMs: 300, requestMs: 5_000 },
        stateDir: await mkdtemp(join(tmpdir(), 'pa-run-target-')),
      },
      { animators: { 'fal/live-portrait': silent, 'local/warp': local } },
    )
    const pending = router.animate(livePhoto)
    // On Node 20 an AbortSignal.timeout() held only by AbortSignal.any() is collected here, and never fires.
    for (let round = 0; round < 5; round++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      collectGarbage()
    }
    const result = await pending
    expect(result.servedBy.target).toBe('local/warp')
    expect(result.attempts[0]).toMatchObject({ target: 'fal/live-portrait', outcome: 'failed', errorKind: 'timeout' })
    expect(result.attempts[0]?.reason).toContain('300 ms deadline')
    expect(silent.signals[0]?.aborted).toBe(true)
  })
})
