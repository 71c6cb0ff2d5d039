import { describe, expect, it } from 'vitest'
import { h264Level } from './h264-settings.js'

describe('h264Level', () => {
  it('is 3.0 for the 512x512 clip at 24 fps (2.2 holds the frame but not the rate)', () => {
    expect(h264Level(512, 512, 24)).toBe(30)
  })

  it('grows with the frame rate and the size', () => {
    expect(h264Level(256, 256, 24)).toBe(13)
    expect(h264Level(512, 512, 60)).toBe(31)
    expect(h264Level(2048, 2048, 24)).toBe(51)
  })
})
