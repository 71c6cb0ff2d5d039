import { describe, expect, it } from 'vitest'
import { padMp4, VideoRenderer, videoSpecFor } from './mp4-output.js'
import { inspectMp4 } from './mp4-inspect.test-helpers.js'

describe('VideoRenderer', () => {
  it('renders an H.264 MP4 with the requested size, frame count and duration', async () => {
    const mp4 = await new VideoRenderer().render(videoSpecFor(2, 256, 192))
    const summary = inspectMp4(mp4)
    expect(summary.codec).toBe('avc1')
    expect([summary.width, summary.height]).toEqual([256, 192])
    expect([summary.codedWidth, summary.codedHeight]).toEqual([256, 192])
    expect(summary.sampleCount).toBe(48)
    expect(summary.durationSeconds).toBeCloseTo(2, 1)
    expect(summary.hasParameterSets).toBe(true)
    expect(summary.firstSampleNalTypes).toContain(5)
  })

  it('renders each distinct spec once and serves the cached bytes after', async () => {
    const renderer = new VideoRenderer()
    const first = await renderer.render(videoSpecFor(1, 64, 64))
    const second = await renderer.render(videoSpecFor(1, 64, 64))
    expect(second).toBe(first)
  })

  it('keeps long clips cheap by lowering the frame rate, not the duration', () => {
    const spec = videoSpecFor(60, 256, 256)
    expect(spec.frames).toBeLessThanOrEqual(96)
    expect(spec.frames / spec.fps).toBe(60)
  })

  it('pads to an exact size with a free box and the file still parses', async () => {
    const mp4 = await new VideoRenderer({ paddingBytes: 2 * 1024 * 1024 }).render(videoSpecFor(1, 64, 64))
    expect(mp4.length).toBe(2 * 1024 * 1024)
    const summary = inspectMp4(mp4)
    expect(summary.topLevel.at(-1)).toBe('free')
    expect(summary.sampleCount).toBe(24)
    expect(padMp4(mp4, 10).length).toBe(mp4.length)
  })
})
