import { describe, expect, it } from 'vitest'
import { lipSyncOffset } from './lip-sync.js'

/** A bursty speech-like loudness: syllables of different strength with pauses. */
function envelope(length: number): number[] {
  return Array.from({ length }, (_, index) => Math.max(0, Math.sin(index / 3)) * (1 + Math.sin(index / 11)) * (index % 40 < 30 ? 1 : 0))
}

describe('lipSyncOffset', () => {
  it('finds how many frames the mouth lags the sound, late or early', () => {
    const speech = envelope(100)
    const late = speech.map((_, index) => speech[index - 3] ?? 0)
    const early = speech.map((_, index) => speech[index + 2] ?? 0)
    expect(lipSyncOffset(late, speech, 25)).toMatchObject({ offsetSeconds: 0.12 })
    expect(lipSyncOffset(early, speech, 25)).toMatchObject({ offsetSeconds: -0.08 })
    expect(lipSyncOffset(speech, speech, 25)!.correlation).toBeCloseTo(1, 5)
  })

  it('gives nothing for a mouth that never moves or series too short to compare', () => {
    expect(lipSyncOffset(new Array(100).fill(1), envelope(100), 25)).toBeUndefined()
    expect(lipSyncOffset([1, 2, 3], [1, 2, 3], 25)).toBeUndefined()
  })
})
