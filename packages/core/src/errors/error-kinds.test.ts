import { describe, expect, it } from 'vitest'
import { ERROR_KINDS, KIND_POLICIES, RETRYABLE_BY_DEFAULT } from './error-kinds.js'
import { PortraitAnimatorError } from './portrait-animator-error.js'

describe('KIND_POLICIES', () => {
  it('has one row per kind, and the kind list is its keys', () => {
    expect(ERROR_KINDS).toHaveLength(16)
    expect(new Set(ERROR_KINDS).size).toBe(ERROR_KINDS.length)
    for (const kind of ERROR_KINDS) expect(KIND_POLICIES[kind]).toBeDefined()
  })

  it('gives an error its default retryable flag: only rate_limited and unavailable retry the same target', () => {
    expect([...RETRYABLE_BY_DEFAULT].sort()).toEqual(['rate_limited', 'unavailable'])
    expect(new PortraitAnimatorError({ kind: 'unavailable', message: 'down' }).retryable).toBe(true)
    expect(new PortraitAnimatorError({ kind: 'auth', message: 'no key' }).retryable).toBe(false)
  })

  it('stops the route only for a caller abort and a local disk failure; retires only on retired', () => {
    expect(ERROR_KINDS.filter((kind) => KIND_POLICIES[kind].fallBack === 'stop').sort()).toEqual(['cancelled', 'output_failed'])
    expect(ERROR_KINDS.filter((kind) => KIND_POLICIES[kind].fallBack === 'if-configured').sort()).toEqual(['content_policy', 'no_face'])
    expect(ERROR_KINDS.filter((kind) => KIND_POLICIES[kind].breaker === 'retires')).toEqual(['retired'])
  })
})
