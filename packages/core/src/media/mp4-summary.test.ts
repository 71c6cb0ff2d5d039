import { describe, expect, it } from 'vitest'
import { encodeMp4 } from '../output/output-fixtures.test-helpers.js'
import { allMp4Boxes, readMp4Summary } from './mp4-summary.js'

describe('readMp4Summary', () => {
  it('reads codec, size, frame count, duration and fps of a real H.264 MP4', async () => {
    const bytes = await encodeMp4(10, 48, 32, 20)
    expect(readMp4Summary(bytes)).toEqual({ codec: 'avc1', width: 48, height: 32, frameCount: 10, durationSeconds: 0.5, fps: 20 })
    expect([...allMp4Boxes(bytes)].map((box) => box.type)).toEqual(expect.arrayContaining(['ftyp', 'moov', 'trak', 'stsz', 'mdat']))
  })

  it('rejects bytes without a video track, and a box that runs past its parent', async () => {
    expect(() => readMp4Summary(new Uint8Array([0, 0, 0, 8, 0x66, 0x72, 0x65, 0x65]))).toThrow(/no video track/)
    const bytes = Buffer.from(await encodeMp4(2, 16, 16, 10))
    const moov = bytes.indexOf('moov') - 4
    const trak = bytes.indexOf('trak', moov) - 4
    bytes.writeUInt32BE(bytes.length, trak) // the track now claims to run past moov
    expect(() => readMp4Summary(bytes)).toThrow(RangeError)
  })
})
