import { describe, expect, it } from 'vitest'
import { readMp4Summary } from '@portrait-animator/core'
import { readSpsSignal } from './h264-sps.js'
import { createMp4Encoder } from './mp4-encoder.js'

/** The sync samples (keyframes) listed in the MP4's stss box, 1-based; every sample when there is none. */
function keyframes(bytes: Uint8Array): number[] {
  const at = Buffer.from(bytes).indexOf('stss')
  if (at < 0) return []
  const view = new DataView(bytes.buffer, bytes.byteOffset)
  const count = view.getUint32(at + 8)
  return Array.from({ length: count }, (_, index) => view.getUint32(at + 12 + index * 4))
}

function avcSps(bytes: Uint8Array): Uint8Array {
  const at = Buffer.from(bytes).indexOf('avcC') + 4
  const length = (bytes[at + 6]! << 8) | bytes[at + 7]!
  return bytes.subarray(at + 8, at + 8 + length)
}

async function encode(frames: number, width: number, height: number, fps: number): Promise<Uint8Array> {
  const encoder = await createMp4Encoder({ width, height, fps })
  const frame = new Uint8Array(width * height * 4)
  for (let index = 0; index < frames; index++) {
    for (let offset = 0; offset < frame.length; offset += 4) {
      const pixel = offset / 4
      frame[offset] = (pixel % width) * 3 + index * 20
      frame[offset + 1] = Math.floor(pixel / width) * 4
      frame[offset + 2] = 128
      frame[offset + 3] = 255
    }
    encoder.addFrame(frame)
  }
  return encoder.finish()
}

describe('MP4 encoding and box reading', () => {
  it('writes an H.264 MP4 whose boxes give the frame count, size and duration', async () => {
    const bytes = await encode(12, 64, 48, 24)
    expect(String.fromCharCode(...bytes.subarray(4, 8))).toBe('ftyp')
    expect(readMp4Summary(bytes)).toEqual({ codec: 'avc1', width: 64, height: 48, frameCount: 12, durationSeconds: 0.5, fps: 24 })
  })

  it('gives the same bytes for the same frames (no creation time in the file)', async () => {
    const first = await encode(3, 32, 32, 10)
    await new Promise((resolve) => setTimeout(resolve, 1100))
    const second = await encode(3, 32, 32, 10)
    expect(Buffer.compare(first, second)).toBe(0)
  })

  it('writes one keyframe per clip, level 3.0 for 512x512 at 24 fps, and signals limited-range BT.601', async () => {
    const bytes = await encode(48, 512, 512, 24)
    expect(keyframes(bytes)).toEqual([1])
    expect(readMp4Summary(bytes).frameCount).toBe(48)
    expect(readSpsSignal(avcSps(bytes))).toEqual({ levelIdc: 30, fullRange: false, matrix: 6 })
    const at = Buffer.from(bytes).indexOf('avcC') + 4
    expect(bytes[at + 3]).toBe(30)
  })

  it('refuses odd dimensions, which H.264 4:2:0 cannot hold', async () => {
    await expect(createMp4Encoder({ width: 63, height: 48, fps: 24 })).rejects.toThrow(/even/)
  })

  it('rejects bytes that are not an MP4 with video', () => {
    expect(() => readMp4Summary(new Uint8Array([0, 0, 0, 8, 0x66, 0x72, 0x65, 0x65]))).toThrow(/no video track/)
  })
})
