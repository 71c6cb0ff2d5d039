import { PortraitAnimatorError, type AnimationRequest } from '@portrait-animator/core'
import { describe, expect, it } from 'vitest'
import { planRequest } from './plan-request.js'

const defaults = { maxSide: 512, fps: 24, noFace: 'error' } as const
const image = new Uint8Array([1])

function planError(request: AnimationRequest): PortraitAnimatorError {
  try {
    planRequest(request, defaults)
  } catch (error) {
    if (PortraitAnimatorError.isInstance(error)) return error
    throw error
  }
  throw new Error('expected an error')
}

describe('planRequest', () => {
  it('plays each preset at the configured frame rate, as MP4 video by default', () => {
    const { plan, warnings } = planRequest({ image, motion: { type: 'preset', preset: 'live-photo' } }, defaults)
    expect(plan).toMatchObject({ kind: 'video', format: 'mp4', fps: 24, maxSide: 512, framing: 'head', noFace: 'error' })
    expect(plan.states).toHaveLength(72)
    expect(warnings).toEqual([])
    expect(planRequest({ image, motion: { type: 'preset', preset: 'blink', framing: 'full-body' } }, defaults).plan).toMatchObject({ framing: 'full-body' })
    expect(planRequest({ image, motion: { type: 'preset', preset: 'nod' }, providerOptions: { local: { fps: 12 } } }, defaults).plan.states).toHaveLength(24)
  })

  it('maps expression units: -1..1 controls and degrees, clamping with a warning', () => {
    const { plan, warnings } = planRequest({ image, motion: { type: 'expression', smile: 1.5, blink: 0.5, yaw: -30, roll: 12 } }, defaults)
    expect(plan).toMatchObject({ kind: 'image', format: 'jpeg' })
    expect(plan.states).toEqual([expect.objectContaining({ smile: 1, blink: 0.5, yaw: -20, roll: 12 })])
    expect(warnings.map((warning) => [warning.type, warning.setting])).toEqual([
      ['clamped', 'motion.smile'],
      ['clamped', 'motion.yaw'],
    ])
  })

  it('renders an expression as a short clip when video is asked for', () => {
    const { plan } = planRequest({ image, motion: { type: 'expression', smile: 1 }, output: { kind: 'video', format: 'webp' } }, defaults)
    expect(plan).toMatchObject({ kind: 'video', format: 'webp' })
    expect(plan.states[0]!.smile).toBe(0)
    expect(plan.states.at(-1)!.smile).toBe(1)
  })

  it('warns about outputs it cannot make and settings it ignores', () => {
    const { plan, warnings } = planRequest(
      { image, motion: { type: 'preset', preset: 'smile' }, output: { kind: 'image', maxSide: 4096 }, providerOptions: { local: { dsize: 512 } } },
      defaults,
    )
    expect(plan).toMatchObject({ kind: 'video', format: 'mp4', maxSide: 2048 })
    expect(warnings.map((warning) => warning.setting).sort()).toEqual(['output.kind', 'output.maxSide', 'providerOptions.local.dsize'])
    const still = planRequest({ image, motion: { type: 'expression', blink: 1 }, output: { format: 'mp4', kind: 'image' } }, defaults)
    expect(still.plan).toMatchObject({ kind: 'image', format: 'jpeg' })
    expect(still.warnings).toEqual([expect.objectContaining({ type: 'unsupported', setting: 'output.format' })])
  })

  it('rejects what it cannot serve at all with invalid_input and the field at fault', () => {
    expect(planError({ image, motion: { type: 'driving-video', video: 'clip.mp4' } })).toMatchObject({ kind: 'invalid_input', field: 'motion.type' })
    expect(planError({ image, motion: { type: 'preset', preset: 'wave' as never } })).toMatchObject({ kind: 'invalid_input', field: 'motion.preset' })
    expect(planError({ image, motion: { type: 'expression', smile: Number.NaN } })).toMatchObject({ kind: 'invalid_input', field: 'motion.smile' })
    expect(planError({ image, motion: { type: 'preset', preset: 'nod' }, output: { maxSide: 3.5 } })).toMatchObject({ field: 'output.maxSide' })
    expect(planError({ image, motion: { type: 'preset', preset: 'nod' }, providerOptions: { local: { noFace: 'skip' } } })).toMatchObject({
      field: 'providerOptions.local.noFace',
    })
  })
})
