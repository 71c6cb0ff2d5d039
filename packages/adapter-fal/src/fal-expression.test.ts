import { describe, expect, it } from 'vitest'
import { FAL_EXPRESSION_TABLE, mapFalExpression } from './fal-expression.js'

describe('the fal expression table', () => {
  it('maps each control linearly onto fal ranges, 0 staying neutral', () => {
    const ends = mapFalExpression({ type: 'expression', smile: 1, blink: -1, wink: 1, eyebrow: -1, pupilX: 1, pupilY: -1, aaa: 1, eee: -1, woo: 1, pitch: 45, yaw: -45, roll: 30 }, { strict: false, modelId: 'm' })
    expect(ends).toEqual({
      fields: { smile: 2, blink: -30, wink: 25, eyebrow: -30, pupil_x: 45, pupil_y: -45, aaa: 200, eee: -40, woo: 100, rotate_pitch: 45, rotate_yaw: -45, rotate_roll: 30 },
      warnings: [],
    })
    expect(mapFalExpression({ type: 'expression', smile: 0, wink: 0, yaw: 0 }, { strict: false, modelId: 'm' }).fields).toEqual({ smile: 0, wink: 0, rotate_yaw: 0 })
    expect(mapFalExpression({ type: 'expression', smile: 0.3, aaa: -0.123 }, { strict: false, modelId: 'm' }).fields).toEqual({ smile: 0.6, aaa: -24.6 })
  })

  it('sends nothing for controls left unset', () => {
    expect(mapFalExpression({ type: 'expression' }, { strict: false, modelId: 'm' })).toEqual({ fields: {}, warnings: [] })
  })

  it('clamps values outside the project range with one warning each (wink below 0 included)', () => {
    const mapped = mapFalExpression({ type: 'expression', blink: 2, wink: -0.5, roll: -90 }, { strict: false, modelId: 'm' })
    expect(mapped.fields).toEqual({ blink: 30, wink: 0, rotate_roll: -45 })
    expect(mapped.warnings).toEqual([
      { type: 'clamped', setting: 'motion.blink', message: 'motion.blink 2 is outside -1..1; clamped to 1.', provider: 'fal' },
      { type: 'clamped', setting: 'motion.wink', message: 'motion.wink -0.5 is outside 0..1; clamped to 0.', provider: 'fal' },
      { type: 'clamped', setting: 'motion.roll', message: 'motion.roll -90 is outside -45..45 degrees; clamped to -45.', provider: 'fal' },
    ])
  })

  it('rejects out-of-range values in strict mode, and non-numbers always', () => {
    expect(() => mapFalExpression({ type: 'expression', eee: 1.5 }, { strict: true, modelId: 'm' })).toThrow(
      expect.objectContaining({ kind: 'invalid_input', field: 'motion.eee', rule: 'range', limit: '-1..1', actual: 1.5 }),
    )
    expect(() => mapFalExpression({ type: 'expression', smile: Number.NaN }, { strict: false, modelId: 'm' })).toThrow(expect.objectContaining({ field: 'motion.smile' }))
  })

  it('covers every expression control of the project once', () => {
    const controls = FAL_EXPRESSION_TABLE.map((entry) => entry.control)
    expect(new Set(controls).size).toBe(12)
  })
})
