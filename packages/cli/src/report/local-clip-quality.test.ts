import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { detectFaces, eyeOpenness as meshOpenness, presetFace, renderPreset } from '@portrait-animator/adapter-local'
import { beforeAll, describe, expect, it } from 'vitest'
import { decodeBaselineFrames } from './h264-frames.js'
import { readMediaContainer } from './media-container.js'
import { yuvToRgba } from './yuv-to-rgba.js'

const SAMPLE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'examples', 'assets', 'astronaut.png')

/** How open the eyes are in a decoded frame, as Human sees them. */
async function eyeOpenness(frame: Uint8Array, width: number, height: number): Promise<number> {
  const [face] = await detectFaces({ data: frame, width, height, channels: 4 })
  if (face === undefined) throw new Error('no face in the decoded frame')
  return meshOpenness(face.points)
}

function lumaStep(first: Uint8Array, second: Uint8Array): number {
  let total = 0
  for (let index = 0; index < first.length; index++) total += Math.abs(first[index]! - second[index]!)
  return total / first.length
}

/** The offline live-photo clip of the sample portrait as a player shows it: decoded H.264 frames. */
describe('the offline live-photo clip, decoded', () => {
  const frames: Uint8Array[] = []
  const lumas: Uint8Array[] = []
  let size = { width: 0, height: 0 }

  beforeAll(async () => {
    const clip = await renderPreset(SAMPLE, 'live-photo')
    size = { width: clip.width, height: clip.height }
    const { video } = await readMediaContainer(clip.bytes)
    await decodeBaselineFrames(video!, {
      onFrame: (frame) => {
        frames.push(yuvToRgba(frame).data)
        lumas.push(frame.planes.slice(0, frame.codedWidth * frame.codedHeight))
      },
    })
  })

  it('closes the eyes at the blink peak: the lids nearly meet, by the landmarks of the decoded frame', async () => {
    const peak = frames.reduce((best, _, index) => (presetFace('live-photo', index / frames.length).blink > presetFace('live-photo', best / frames.length).blink ? index : best), 0)
    const open = await eyeOpenness(frames[0]!, size.width, size.height)
    const closed = await eyeOpenness(frames[peak]!, size.width, size.height)
    expect(open).toBeGreaterThan(0.15)
    // The target. With the lid gap measured across the eye the decoded sample reads about
    // 0.1 (0.20-0.26 by the plain distance, which counted Human sliding a closed eye's points apart
    // along it; see docs/quality.md). Before the lids reached past the eye's corners, 0.39; the first
    // version 0.90.
    expect(closed / open).toBeLessThanOrEqual(0.25)
  })

  it('loops without a jump: the step from the last frame back to the first is like any other step', () => {
    const steps = lumas.map((luma, index) => lumaStep(luma, lumas[(index + 1) % lumas.length]!))
    const median = [...steps].sort((first, second) => first - second)[Math.floor(steps.length / 2)]!
    expect(steps).toHaveLength(72)
    expect(steps.at(-1)!).toBeLessThanOrEqual(1.5 * median)
    expect(Math.max(...steps)).toBeLessThanOrEqual(1.5 * median)
  })
})
