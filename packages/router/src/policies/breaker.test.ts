import { describe, expect, it } from 'vitest'
import { PortraitAnimatorError } from '@portrait-animator/core'
import { MemoryRetirementStore } from '../memory-retirement-store.js'
import { RequestContext } from '../request-context.js'
import type { RouterEvent } from '../router-events.js'
import { MemoryBreakerStore } from '../state/memory-breaker-store.js'
import { breakerAfterFailure, TargetBreaker } from './breaker.js'

function setUp() {
  let now = 1_000
  const events: RouterEvent[] = []
  const store = new MemoryBreakerStore(() => now)
  const breaker = new TargetBreaker(store, 'fal/live-portrait', { failureThreshold: 2, cooldownMs: 500 }, () => now)
  const context = new RequestContext('default', 'r1', {}, undefined, [(event) => events.push(event)], () => now)
  return { breaker, store, context, events, advance: (ms: number) => (now += ms) }
}

describe('breaker policy', () => {
  it('opens after the threshold of counted failures, says so once, and shows it without a store call', async () => {
    const { breaker, context, events } = setUp()
    const down = new PortraitAnimatorError({ kind: 'unavailable', message: 'down' })
    expect(await breakerAfterFailure(breaker, down, context, { endpoint: 'vendor', now: () => 0 })).toBe(false)
    expect(await breakerAfterFailure(breaker, down, context, { endpoint: 'vendor', now: () => 0 })).toBe(true)
    expect(events.filter((event) => event.type === 'breaker-opened')).toEqual([expect.objectContaining({ permanent: false, untilMs: 1_500 })])
    expect(breaker.view).toEqual({ state: 'open', untilMs: 1_500 })
    expect(await breaker.tryAcquire()).toBe(false)
  })

  it('does not count errors that say nothing about the target (no face, bad input)', async () => {
    const { breaker, context } = setUp()
    for (let index = 0; index < 5; index++) expect(await breakerAfterFailure(breaker, new PortraitAnimatorError({ kind: 'no_face', message: 'no face' }), context, { endpoint: 'vendor', now: () => 0 })).toBe(false)
    expect(await breaker.tryAcquire()).toBe(true)
  })

  it('retires the target for good on "retired", remembering it for its endpoint, until reinstated', async () => {
    const { breaker, context } = setUp()
    const retirements = new MemoryRetirementStore()
    const shut = await breakerAfterFailure(breaker, new PortraitAnimatorError({ kind: 'retired', message: 'ERROR_AI_NOT_EXISTS' }), context, { endpoint: 'http://a.example', now: Date.now, retirements })
    expect(shut).toBe(true)
    expect(await breaker.tryAcquire()).toBe(false)
    expect((await retirements.list()).map((record) => record.endpoint)).toEqual(['http://a.example'])
    breaker.reinstate()
    expect(await breaker.tryAcquire()).toBe(true)
  })

  it('lets one probe through after the cooldown; its success closes the breaker', async () => {
    const { breaker, advance } = setUp()
    await breaker.record('failure')
    await breaker.record('failure')
    advance(500)
    expect(breaker.view.state).toBe('half-open')
    expect(await breaker.tryAcquire()).toBe(true)
    expect(await breaker.tryAcquire()).toBe(false)
    await breaker.record('success')
    expect(breaker.view.state).toBe('closed')
  })
})
