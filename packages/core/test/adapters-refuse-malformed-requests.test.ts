import { createProvider as createAilab } from '@portrait-animator/adapter-ailab'
import { createProvider as createFal } from '@portrait-animator/adapter-fal'
import { createProvider as createLocal } from '@portrait-animator/adapter-local'
import { createProvider as createMagicHour } from '@portrait-animator/adapter-magichour'
import { createTestPortrait, startEmulator, type Emulator } from '@portrait-animator/emulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AnimationRequest, CallOptions, PortraitAnimator } from '../src/index.js'
import { expectAnimatorError } from '../src/testing/index.js'

/**
 * Every adapter's own `animate`, called directly (no router in front), answers a malformed request
 * or call option with the same typed `invalid_input` as the router, naming the field, and sends
 * nothing: before, `null` was a TypeError and `{ type: 'expression', smiel: 0.5 }` was accepted.
 */

let emulator: Emulator
let portrait: Uint8Array
const animators: Array<readonly [string, PortraitAnimator]> = []

beforeAll(async () => {
  emulator = await startEmulator({ seed: 41, jobDurationMs: 50 })
  portrait = new Uint8Array(await createTestPortrait())
  const baseUrl = emulator.baseUrl
  const ailab = createAilab({ apiKey: 'malformed-ailab-key', baseUrl })
  const fal = createFal({ apiKey: 'malformed-id:malformed-secret', baseUrl })
  const magicHour = createMagicHour({ apiKey: 'malformed-magichour-key', baseUrl })
  const local = createLocal({})
  for (const [provider, models] of [[ailab, ['live-photo']], [fal, ['live-portrait', 'live-portrait-image', 'sadtalker', 'kling-avatar-v2-standard', 'omnihuman-v1-5']], [magicHour, ['talking-photo', 'image-to-video']], [local, ['warp']]] as const) {
    for (const model of models) animators.push([`${provider.name}/${model}`, provider.animator(model)])
  }
})

afterAll(async () => {
  await emulator?.stop()
})

const malformed: ReadonlyArray<readonly [string, () => unknown, unknown, string, string]> = [
  ['a null request', () => null, undefined, 'request', 'required'],
  ['a number as the request', () => 7, undefined, 'request', 'type'],
  ['no motion', () => ({ image: portrait }), undefined, 'motion', 'required'],
  ['an unknown motion type', () => ({ image: portrait, motion: { type: 'wave' } }), undefined, 'motion.type', 'unknown-value'],
  ['an unknown expression control', () => ({ image: portrait, motion: { type: 'expression', smiel: 0.5 } }), undefined, 'motion.smiel', 'unknown-control'],
  ['timeoutMs -1', () => ({ image: portrait, motion: { type: 'preset', preset: 'live-photo' } }), { timeoutMs: -1 }, 'timeoutMs', 'range'],
  ['timeoutMs NaN', () => ({ image: portrait, motion: { type: 'preset', preset: 'live-photo' } }), { timeoutMs: Number.NaN }, 'timeoutMs', 'range'],
]

describe('every adapter refuses a malformed request itself, before any call', () => {
  it.each(malformed)('%s: invalid_input on %s from all nine targets', async (_name, request, options, field, rule) => {
    expect(animators).toHaveLength(9)
    for (const [target, animator] of animators) {
      const error = await expectAnimatorError(animator.animate(request() as AnimationRequest, options as CallOptions))
      expect({ target, kind: error.kind, field: error.field, rule: error.rule }).toEqual({ target, kind: 'invalid_input', field, rule })
    }
    expect(emulator.ledger.entries()).toEqual([])
  })
})
