import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { renderPreset } from '@portrait-animator/adapter-local'
import { describe, expect, it } from 'vitest'
import { decodeBaselineFrames } from './h264-frames.js'
import { readMediaContainer } from './media-container.js'

const SAMPLE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'examples', 'assets', 'astronaut.png')

/**
 * The offline animator's live photo of the sample portrait, decoded frame by frame with a real
 * H.264 decoder (not only its MP4 headers): what a player shows.
 */
describe('the offline live-photo clip of the sample portrait, decoded', () => {
  it('decodes into 72 frames of 512x512 without errors, and the picture moves', async () => {
    const clip = await renderPreset(SAMPLE, 'live-photo')
    const { video } = await readMediaContainer(clip.bytes)
    const lumas: Uint8Array[] = []
    const summary = await decodeBaselineFrames(video!, {
      onFrame: (frame) => {
        expect(frame).toMatchObject({ width: 512, height: 512 })
        lumas.push(frame.planes.slice(0, frame.codedWidth * frame.codedHeight))
      },
    })
    expect(summary).toEqual({ frames: 72, errors: 0 })
    const difference = (a: Uint8Array, b: Uint8Array) => a.reduce((sum, value, index) => sum + Math.abs(value - b[index]!), 0) / a.length
    // Mid-clip frames differ from the first (the head moves); the loop returns close to its start.
    expect(difference(lumas[0]!, lumas[36]!)).toBeGreaterThan(0.5)
    expect(difference(lumas[0]!, lumas[71]!)).toBeLessThan(difference(lumas[0]!, lumas[36]!))
  })
})
