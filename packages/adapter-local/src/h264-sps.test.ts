import { describe, expect, it } from 'vitest'
import { readSpsSignal, rewriteSps } from './h264-sps.js'

// The SPS the WebAssembly encoder writes for 512x512 Baseline: level 2.2, no VUI.
const ENCODER_SPS = Uint8Array.from([0x67, 0x42, 0x00, 0x16, 0xa6, 0x80, 0x80, 0x10, 0x64])
const COLOUR = { primaries: 6, transfer: 6, matrix: 6 }

describe('rewriteSps', () => {
  it('sets the level and signals limited range with the BT.601 matrix', () => {
    expect(readSpsSignal(ENCODER_SPS)).toEqual({ levelIdc: 22 })
    const rewritten = rewriteSps(ENCODER_SPS, { levelIdc: 30, fullRange: false, colour: COLOUR })
    expect(readSpsSignal(rewritten)).toEqual({ levelIdc: 30, fullRange: false, matrix: 6 })
    // Everything before the VUI is kept: profile, constraint flags, then the same bits.
    expect([...rewritten.subarray(0, 3)]).toEqual([0x67, 0x42, 0x00])
    expect(rewritten[4]).toBe(0xa6)
  })

  it('signals full range when asked', () => {
    expect(readSpsSignal(rewriteSps(ENCODER_SPS, { levelIdc: 30, fullRange: true, colour: COLOUR })).fullRange).toBe(true)
  })

  it('refuses an SPS that already has a VUI rather than writing a second one', () => {
    const rewritten = rewriteSps(ENCODER_SPS, { levelIdc: 30, fullRange: false, colour: COLOUR })
    expect(() => rewriteSps(rewritten, { levelIdc: 30, fullRange: false, colour: COLOUR })).toThrow(/VUI/)
  })
})
