import { describe, expect, it } from 'vitest'
import { decodeBaselineFrames } from './h264-frames.js'
import { averageGrid, MotionEnergyMeter, type LumaPlane } from './motion-energy.js'
import { readMediaContainer } from './media-container.js'
import { encodeTestClip, solidFrame, squareFrame } from './test-clips.test-helpers.js'

function plane(width: number, height: number, value: number): LumaPlane {
  return { data: new Uint8Array(width * height).fill(value), width, height, stride: width }
}

async function clipEnergy(clip: Uint8Array): Promise<number | undefined> {
  const meter = new MotionEnergyMeter()
  await decodeBaselineFrames((await readMediaContainer(clip)).video!, { onFrame: (frame) => meter.add({ data: frame.planes, width: frame.width, height: frame.height, stride: frame.codedWidth }) })
  return meter.value()
}

describe('MotionEnergyMeter', () => {
  it('is 0 for identical frames, 255 for black/white flips, and undefined for one frame', () => {
    const still = new MotionEnergyMeter()
    still.add(plane(32, 32, 100))
    expect(still.value()).toBeUndefined()
    still.add(plane(32, 32, 100))
    expect(still.value()).toBe(0)
    const flashing = new MotionEnergyMeter()
    for (const value of [0, 255, 0]) flashing.add(plane(32, 32, value))
    expect(flashing.value()).toBe(255)
  })

  it('averages the pairs: one change of 51 levels among two pairs is 25.5', () => {
    const meter = new MotionEnergyMeter()
    for (const value of [100, 100, 151]) meter.add(plane(16, 16, value))
    expect(meter.value()).toBeCloseTo(25.5, 6)
  })

  it('reads only the visible width of padded rows (stride)', () => {
    // Rows of 8 visible pixels followed by 8 bytes of padding that change wildly.
    const first = { data: new Uint8Array(16 * 4).map((_, index) => (index % 16 < 8 ? 50 : 0)), width: 8, height: 4, stride: 16 }
    const second = { data: new Uint8Array(16 * 4).map((_, index) => (index % 16 < 8 ? 50 : 255)), width: 8, height: 4, stride: 16 }
    const meter = new MotionEnergyMeter()
    meter.add(first)
    meter.add(second)
    expect(meter.value()).toBe(0)
  })

  it('averages frames down to at most 64 cells on the long side', () => {
    const grid = averageGrid({ data: new Uint8Array(256 * 128).map((_, index) => (index % 2) * 200), width: 256, height: 128, stride: 256 })
    expect(grid).toHaveLength(64 * 32)
    expect(grid[0]).toBe(100)
  })

  it('scores a still clip near 0 and a moving square clearly above it', async () => {
    const still = await clipEnergy(await encodeTestClip({ width: 96, height: 64, frames: 8, draw: () => solidFrame(96, 64, 120, 130, 140) }))
    const moving = await clipEnergy(await encodeTestClip({ width: 96, height: 64, frames: 8, draw: (index) => squareFrame(96, 64, index * 8) }))
    expect(still).toBeLessThan(0.5)
    expect(moving).toBeGreaterThan(2)
    expect(moving).toBeLessThan(50)
  })
})
