import { beforeAll, describe, expect, it } from 'vitest'
import { decodeH264Frames, undecodableReason, type DecodedFrame } from './h264-frames.js'
import { readMp4VideoTrack } from './mp4-video-track.js'
import { encodeTestClip, solidFrame, withProfile } from './test-clips.test-helpers.js'
import { yuvToRgba } from './yuv-to-rgba.js'

describe('H.264 frames from an MP4', () => {
  let clip: Uint8Array
  beforeAll(async () => {
    // 100x60 is not a whole number of 16-pixel macroblocks: the decoder's picture is 112x64.
    clip = await encodeTestClip({ width: 100, height: 60, frames: 6, fps: 12, draw: () => solidFrame(100, 60, 200, 40, 90) })
  })

  it('reads size, duration, frame rate and sample positions from the headers', () => {
    const track = readMp4VideoTrack(clip)
    expect(track).toMatchObject({ codec: 'avc1', width: 100, height: 60, profile: 66, nalLengthSize: 4 })
    expect(track.samples).toHaveLength(6)
    expect(track.durationSeconds).toBeCloseTo(0.5, 3)
    expect(track.fps).toBeCloseTo(12, 3)
    expect(track.parameterSets).toHaveLength(2)
    for (const sample of track.samples) expect(sample.offset + sample.size).toBeLessThanOrEqual(clip.length)
  })

  it('decodes every frame at the display size, with the colours that were encoded', async () => {
    const frames: DecodedFrame[] = []
    const track = readMp4VideoTrack(clip)
    const summary = await decodeH264Frames(clip, track, { onFrame: (frame) => frames.push({ ...frame, planes: frame.planes.slice() }) })
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
    const summary = await decodeH264Frames(clip, readMp4VideoTrack(clip), { maxFrames: 2, onFrame: () => count++ })
    expect(summary.frames).toBe(2)
    expect(count).toBe(2)
  })

  it('refuses High profile streams with a reason instead of decoding garbage', async () => {
    const high = withProfile(clip, 100)
    const track = readMp4VideoTrack(high)
    expect(undecodableReason(track)).toMatch(/High profile.*Baseline only/)
    await expect(decodeH264Frames(high, track, { onFrame: () => {} })).rejects.toThrow(/High profile/)
  })

  it('throws a RangeError for bytes that are not an MP4 or are cut short', () => {
    expect(() => readMp4VideoTrack(new TextEncoder().encode('FAKE-MP4 bytes'))).toThrow(RangeError)
    expect(() => readMp4VideoTrack(clip.subarray(0, Math.floor(clip.length / 2)))).toThrow(RangeError)
  })
})
