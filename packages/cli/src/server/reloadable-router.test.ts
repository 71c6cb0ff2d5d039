import type { AnimationRequest, PortraitAnimator } from '@portrait-animator/core'
import { createScriptedAnimator } from '@portrait-animator/core/testing'
import type { Router } from '@portrait-animator/router'
import { describe, expect, it } from 'vitest'
import { createReloadableRouter, type ServedRouter } from './reloadable-router.js'

const REQUEST: AnimationRequest = { image: new Uint8Array([1]), motion: { type: 'preset', preset: 'live-photo' } }

/** A served router whose requests wait for `release()`, and which records when it was settled. */
function gated(name: string) {
  let release!: () => void
  const gate = new Promise<void>((resolve) => (release = resolve))
  const inner = createScriptedAnimator({ script: [{ type: 'succeed', bytes: new TextEncoder().encode(name) }], modelId: name })
  const animator: PortraitAnimator = { ...inner, animate: async (request, options) => (await gate, inner.animate(request, options)) }
  const record = { settled: false, listening: 0 }
  const router = {
    settle: async () => void (record.settled = true),
    on: () => {
      record.listening++
      return () => void record.listening--
    },
  } as unknown as Router
  const served: ServedRouter = { router, animator, routeName: 'default', source: name }
  return { served, release, record }
}

describe('createReloadableRouter', () => {
  it('finishes a request on the router it started on, sends new ones to the new router, and settles the old one after its last request', async () => {
    const old = gated('old')
    const next = gated('new')
    next.release()
    const reloadable = createReloadableRouter(old.served, (router) => router.on(() => {}))
    expect(old.record.listening).toBe(1)

    const inFlight = reloadable.animator.animate(REQUEST)
    const { draining, drained } = reloadable.swap(next.served)
    expect(draining).toBe(1)
    expect(reloadable.current().source).toBe('new')
    expect(next.record.listening).toBe(1)

    const after = await reloadable.animator.animate(REQUEST)
    expect(new TextDecoder().decode(await after.output.bytes())).toBe('new')
    expect(old.record.settled).toBe(false)

    old.release()
    const finished = await inFlight
    expect(new TextDecoder().decode(await finished.output.bytes())).toBe('old')
    await drained
    expect(old.record).toEqual({ settled: true, listening: 0 })
    expect(next.record.settled).toBe(false)

    await reloadable.close()
    expect(next.record).toEqual({ settled: true, listening: 0 })
  })

  it('settles a replaced router at once when nothing runs on it', async () => {
    const old = gated('old')
    const reloadable = createReloadableRouter(old.served)
    const { draining, drained } = reloadable.swap(gated('new').served)
    expect(draining).toBe(0)
    await drained
    expect(old.record.settled).toBe(true)
  })
})
