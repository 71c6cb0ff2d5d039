import { describe, expect, it } from 'vitest'
import { PortraitAnimatorError } from '../errors/index.js'
import { expectAnimatorError } from './expect-animator-error.js'

describe('expectAnimatorError', () => {
  it('returns the PortraitAnimatorError a promise rejects with', async () => {
    const thrown = new PortraitAnimatorError({ kind: 'no_face', message: 'No face.' })
    expect(await expectAnimatorError(Promise.reject(thrown))).toBe(thrown)
  })

  it('fails when the promise resolves, or rejects with another error', async () => {
    await expect(expectAnimatorError(Promise.resolve({ ok: true }))).rejects.toThrow('but the promise resolved with {"ok":true}')
    await expect(expectAnimatorError(Promise.reject(new TypeError('boom')))).rejects.toThrow('got TypeError: boom')
  })
})
