import { describe, expect, it } from 'vitest'
import type { AnimationRequest, RouterConfig } from '@portrait-animator/core'
import { createScriptedAnimator, waitUntil, type ScriptStep } from '@portrait-animator/core/testing'
import { createRouter } from './create-router.js'
import type { RouterOptions } from './router-api.js'
import { MemoryBreakerStore } from './state/memory-breaker-store.js'
import { MemoryJobJournal } from './state/memory-job-journal.js'
import { MemoryRateLimitStore } from './state/memory-rate-limit-store.js'
import { MemoryRetirementStore } from './memory-retirement-store.js'

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')
const livePhoto: AnimationRequest = { image: PNG, motion: { type: 'preset', preset: 'live-photo' } }

/** A router over fal (scripted) then the local animator, with its state in the stores given. */
async function worker(falScript: ScriptStep[], options: RouterOptions, extra: Partial<RouterConfig> = {}) {
  const fal = createScriptedAnimator({ provider: 'fal', modelId: 'live-portrait', script: falScript, capabilities: { offline: false, jobs: true }, pollIntervalMs: 1 })
  const local = createScriptedAnimator({ provider: 'local', modelId: 'warp', script: [{ type: 'succeed' }] })
  const router = await createRouter(
    { providers: { fal: { adapter: 'fal' }, local: { adapter: 'local' } }, routes: { default: { strategy: 'fallback', targets: ['fal/live-portrait', 'local/warp'] } }, retry: { maxAttempts: 1 }, ...extra },
    { animators: { 'fal/live-portrait': fal, 'local/warp': local }, retirementStore: new MemoryRetirementStore(), ...options },
  )
  return { router, fal }
}

describe('state stores passed to createRouter', () => {
  it('a breaker store shared by two routers: a breaker opened by one skips the target in the other', async () => {
    const breakerStore = new MemoryBreakerStore()
    const down: ScriptStep = { type: 'fail', error: { kind: 'unavailable', accepted: false } }
    const first = await worker([down, down], { breakerStore }, { breaker: { failureThreshold: 2, cooldownMs: 600_000 } })
    await first.router.animate(livePhoto)
    await first.router.animate(livePhoto)
    const second = await worker([{ type: 'succeed' }], { breakerStore }, { breaker: { failureThreshold: 2, cooldownMs: 600_000 } })
    const result = await second.router.animate(livePhoto)
    expect(result.servedBy.target).toBe('local/warp')
    expect(result.attempts[0]).toMatchObject({ target: 'fal/live-portrait', outcome: 'skipped' })
    expect(second.fal.calls).toHaveLength(0)
    expect(await breakerStore.list()).toEqual([expect.objectContaining({ target: 'fal/live-portrait', state: 'open' })])
  })

  it("a 429's Retry-After pauses the target in the shared rate-limit store", async () => {
    const rateLimitStore = new MemoryRateLimitStore()
    const paused: Array<[string, number]> = []
    const pause = rateLimitStore.pause.bind(rateLimitStore)
    rateLimitStore.pause = async (key, untilMs) => {
      paused.push([key, untilMs])
      await pause(key, untilMs)
    }
    const { router } = await worker([{ type: 'fail', error: { kind: 'rate_limited', retryAfterMs: 50, accepted: false } }], { rateLimitStore })
    const before = Date.now()
    await router.animate(livePhoto)
    expect(paused).toHaveLength(1)
    expect(paused[0]![0]).toBe('fal/live-portrait')
    expect(paused[0]![1]).toBeGreaterThanOrEqual(before + 50)
  })

  it('the journal given is used, and a cancelled job leaves it: resume afterwards has nothing to fail on', async () => {
    const journal = new MemoryJobJournal()
    const { router, fal } = await worker([{ type: 'job', polls: Array(10_000).fill('running') }], { journal })
    const controller = new AbortController()
    const pending = router.animate(livePhoto, { signal: controller.signal })
    await waitUntil(async () => (await journal.list()).length === 1, { what: 'the job to be journaled' })
    controller.abort()
    await expect(pending).rejects.toMatchObject({ kind: 'cancelled' })
    expect(fal.cancelled).toHaveLength(1)
    expect(await journal.list()).toEqual([])
    expect(await router.resume()).toEqual([])
  })

  it('resume closes the entry of a job the provider ended as cancelled, instead of failing on it every time', async () => {
    const journal = new MemoryJobJournal()
    const { router, fal } = await worker([{ type: 'job', polls: ['running'], outcome: { type: 'fail', error: { kind: 'cancelled' } } }], { journal })
    const handle = await fal.start!(livePhoto)
    await journal.record({ version: 1, id: 'crashed-1', route: 'default', target: 'fal/live-portrait', handle, startedAt: new Date().toISOString() })
    const [outcome] = await router.resume()
    expect(outcome?.error?.kind).toBe('cancelled')
    expect(await journal.list()).toEqual([])
    expect(await router.resume()).toEqual([])
  })
})
