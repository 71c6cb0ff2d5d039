import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { withoutGlobalErrorHandlers } from '../runtime/index.js'
import { allMp4Boxes, readMp4Summary } from './mp4-summary.js'

interface Encoder {
  width: number
  height: number
  frameRate: number
  outputFilename: string
  initialize(): void
  addFrameRgba(frame: Uint8Array): void
  finalize(): void
  FS: { readFile(name: string): Uint8Array; unlink(name: string): void }
}

async function encodeClip(frames: number, width: number, height: number, fps: number): Promise<Uint8Array> {
  const require = createRequire(import.meta.url)
  const module = await withoutGlobalErrorHandlers(() => require('h264-mp4-encoder') as { createH264MP4Encoder(): Promise<Encoder> })
  const encoder = await module.createH264MP4Encoder()
  Object.assign(encoder, { width, height, frameRate: fps, outputFilename: `core-summary-${process.pid}.mp4` })
  encoder.initialize()
  for (let index = 0; index < frames; index++) encoder.addFrameRgba(new Uint8Array(width * height * 4).fill(index * 10))
  encoder.finalize()
  const bytes = encoder.FS.readFile(encoder.outputFilename)
  encoder.FS.unlink(encoder.outputFilename)
  return bytes
}

describe('readMp4Summary', () => {
  it('reads codec, size, frame count, duration and fps of a real H.264 MP4', async () => {
    const bytes = await encodeClip(10, 48, 32, 20)
    expect(readMp4Summary(bytes)).toEqual({ codec: 'avc1', width: 48, height: 32, frameCount: 10, durationSeconds: 0.5, fps: 20 })
    expect([...allMp4Boxes(bytes)].map((box) => box.type)).toEqual(expect.arrayContaining(['ftyp', 'moov', 'trak', 'stsz', 'mdat']))
  })

  it('rejects bytes without a video track, and a box that runs past its parent', async () => {
    expect(() => readMp4Summary(new Uint8Array([0, 0, 0, 8, 0x66, 0x72, 0x65, 0x65]))).toThrow(/no video track/)
    const bytes = Buffer.from(await encodeClip(2, 16, 16, 10))
    const moov = bytes.indexOf('moov') - 4
    const trak = bytes.indexOf('trak', moov) - 4
    bytes.writeUInt32BE(bytes.length, trak) // the track now claims to run past moov
    expect(() => readMp4Summary(bytes)).toThrow(RangeError)
  })
})
