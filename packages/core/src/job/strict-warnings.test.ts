import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { parseProviderOptions } from './parse-provider-options.js'
import { enforceStrict } from './strict-warnings.js'

const context = { provider: 'fal', modelId: 'live-portrait' }

describe('enforceStrict', () => {
  it('one rule: a clamped value is invalid_input, anything else unsupported; nothing without strict', () => {
    const clamped = { type: 'clamped', setting: 'motion.smile', message: 'smile was clamped.' } as const
    const ignored = { type: 'unsupported', setting: 'output.maxSide', message: 'maxSide was ignored.' } as const
    expect(() => enforceStrict({ strict: true }, [clamped, ignored], context)).toThrow(expect.objectContaining({ kind: 'invalid_input', field: 'motion.smile', rule: 'strict', accepted: false, message: 'Strict mode: smile was clamped. (and 1 more)' }))
    expect(() => enforceStrict({ strict: true }, [ignored], context)).toThrow(expect.objectContaining({ kind: 'unsupported', field: 'output.maxSide' }))
    expect(() => enforceStrict({}, [clamped], context)).not.toThrow()
    expect(() => enforceStrict({ strict: true }, [], context)).not.toThrow()
  })
})

describe('parseProviderOptions', () => {
  const schema = z.strictObject({ dsize: z.number().int(), style: z.strictObject({ mode: z.enum(['a', 'b']) }).partial() }).partial()

  it('returns the parsed options, {} when absent', () => {
    expect(parseProviderOptions({ providerOptions: { fal: { dsize: 512 } } }, schema, context)).toEqual({ dsize: 512 })
    expect(parseProviderOptions({}, schema, context)).toEqual({})
  })

  it('names the option in field, says where a derived field comes from', () => {
    const derived = { ...context, derivedFields: { image_url: 'request.image' } }
    expect(() => parseProviderOptions({ providerOptions: { fal: { image_url: 'x' } } }, schema, derived)).toThrow(
      expect.objectContaining({ kind: 'invalid_input', field: 'providerOptions.fal.image_url', rule: 'provider-option', message: expect.stringContaining('request.image') }),
    )
    expect(() => parseProviderOptions({ providerOptions: { fal: { style: { mood: 'a' } } } }, schema, context)).toThrow(expect.objectContaining({ field: 'providerOptions.fal.style.mood' }))
    expect(() => parseProviderOptions({ providerOptions: { fal: { dsize: 1.5 } } }, schema, context)).toThrow(expect.objectContaining({ field: 'providerOptions.fal.dsize' }))
  })
})
