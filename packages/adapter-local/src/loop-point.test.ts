import type { PresetName } from '@portrait-animator/core'
import { describe, expect, it } from 'vitest'
import { astronautBytes } from './local-test-images.test-helpers.js'
import { NEUTRAL_FACE, presetFace, presetTimeline, type FaceState } from './motion-curves.js'
import { preparePortrait } from './prepare-portrait.js'
import { renderFrames } from './render-frames.js'

const PRESETS: readonly PresetName[] = ['live-photo', 'nod', 'smile', 'blink', 'idle']

function lumaStep(first: Uint8Array, second: Uint8Array): number {
  let total = 0
  for (let offset = 0; offset < first.length; offset += 4) {
    total += Math.abs(
      0.299 * (first[offset]! - second[offset]!) + 0.587 * (first[offset + 1]! - second[offset + 1]!) + 0.114 * (first[offset + 2]! - second[offset + 2]!),
    )
  }
  return (4 * total) / first.length
}

describe('the loop point', () => {
  it('every preset ends where it starts, at rest: pose, expression, gaze and breath', () => {
    for (const preset of PRESETS) {
      const start = presetFace(preset, 0)
      const end = presetFace(preset, 1)
      const justBefore = presetFace(preset, 1 - 1e-3)
      for (const key of Object.keys(NEUTRAL_FACE) as (keyof FaceState)[]) {
        expect(end[key], `${preset} ${key}`).toBeCloseTo(start[key], 9)
        // Nothing but the slow sway crosses the loop point at speed (a value changing by more than
        // a thousandth of its range per thousandth of the clip would show as a jump).
        expect(Math.abs(justBefore[key] - end[key]), `${preset} ${key}`).toBeLessThan(0.02)
      }
    }
  })

  it('the rendered live-photo clip steps from its last frame to its first less than the median step', async () => {
    const portrait = await preparePortrait(astronautBytes(), { maxSide: 512, framing: 'head', noFace: 'error' })
    const frames: Uint8Array[] = []
    await renderFrames(portrait, presetTimeline('live-photo', 24), (frame) => {
      frames.push(Uint8Array.from(frame))
    })
    const steps = frames.map((frame, index) => lumaStep(frame, frames[(index + 1) % frames.length]!))
    const median = [...steps].sort((first, second) => first - second)[Math.floor(steps.length / 2)]!
    expect(steps).toHaveLength(72)
    expect(median).toBeGreaterThan(0)
    // The step back to the first frame is a slow part of the clip (the sway alone moves there).
    expect(steps.at(-1)!).toBeLessThanOrEqual(median)
  }, 60_000)
})
