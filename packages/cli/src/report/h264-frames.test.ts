import { beforeAll, describe, expect, it } from 'vitest'
import { baselineUndecodableReason, decodeBaselineFrames, type DecodedFrame } from './h264-frames.js'
import { readMediaContainer } from './media-container.js'
import { encodeTestClip, solidFrame, withProfile } from './test-clips.test-helpers.js'
import { yuvToRgba } from './yuv-to-rgba.js'

describe('H.264 frames from an MP4', () => {
  let clip: Uint8Array
  beforeAll(async () => {
    // 100x60 is not a whole number of 16-pixel macroblocks: the decoder's picture is 112x64.
    clip = await encodeTestClip({ width: 100, height: 60, frames: 6, fps: 12, draw: () => solidFrame(100, 60, 200, 40, 90) })
  })

  it('reads codec, size, duration and frame rate from the container (mediabunny)', async () => {
    const { format, video, audio } = await readMediaContainer(clip)
    expect(format).toBe('MP4')
    expect(audio).toBeNull()
    expect(video).toMatchObject({ codec: 'avc', width: 100, height: 60, frameCount: 6 })
    expect(video!.codecString).toMatch(/^avc1\.42/)
    expect(video!.durationSeconds).toBeCloseTo(0.5, 3)
    expect(video!.fps).toBeCloseTo(12, 3)
  })

  it('decodes every frame at the display size, with the colours that were encoded', async () => {
    const frames: DecodedFrame[] = []
    const { video } = await readMediaContainer(clip)
    const summary = await decodeBaselineFrames(video!, { onFrame: (frame) => frames.push({ ...frame, planes: frame.planes.slice() }) })
    expect(summary).toEqual({ frames: 6, errors: 0 })
    expect(frames.map((frame) => frame.index)).toEqual([0, 1, 2, 3, 4, 5])
    expect(frames[0]).toMatchObject({ width: 100, height: 60, codedWidth: 112, codedHeight: 64 })
    const rgba = yuvToRgba(frames[3]!)
    expect(rgba.data).toHaveLength(100 * 60 * 4)
    const [red, green, blue, alpha] = rgba.data.subarray((30 * 100 + 50) * 4, (30 * 100 + 50) * 4 + 4)
    expect(Math.abs(red! - 200)).toBeLessThanOrEqual(8)
    expect(Math.abs(green! - 40)).toBeLessThanOrEqual(8)
    expect(Math.abs(blue! - 90)).toBeLessThanOrEqual(8)
    expect(alpha).toBe(255)
  })

  it('stops after maxFrames', async () => {
    let count = 0
    const summary = await decodeBaselineFrames((await readMediaContainer(clip)).video!, { maxFrames: 2, onFrame: () => count++ })
    expect(summary.frames).toBe(2)
    expect(count).toBe(2)
  })

  it('refuses High profile streams with a reason instead of decoding garbage', async () => {
    const { video } = await readMediaContainer(withProfile(clip, 100))
    expect(baselineUndecodableReason(video!)).toMatch(/High profile.*Baseline only/)
    await expect(decodeBaselineFrames(video!, { onFrame: () => {} })).rejects.toThrow(/High profile/)
  })

  it('rejects bytes that are not a media container', async () => {
    await expect(readMediaContainer(new TextEncoder().encode('FAKE-MP4 bytes'))).rejects.toThrow()
  })
})
