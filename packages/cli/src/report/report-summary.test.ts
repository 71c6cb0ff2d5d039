import { describe, expect, it } from 'vitest'
import type { ReportImage, ReportResult } from './report-document.js'
import { median, summarizeTargets } from './report-summary.js'

function result(target: string, ok: boolean, durationMs: number, usd?: number): ReportResult {
  return {
    target,
    ok,
    durationMs,
    cost: usd === undefined ? null : { usd, credits: null, basis: 'charged' },
    warnings: [],
    error: ok ? null : { kind: 'unavailable', message: 'down' },
    output: null,
    providerMetadata: null,
  }
}

function image(results: ReportResult[]): ReportImage {
  return { input: 'inputs/a.png', source: 'a.png', motion: 'preset live-photo', width: 1, height: 1, results }
}

describe('summarizeTargets', () => {
  it('counts successes and failures, takes the median latency of successes and sums known costs', () => {
    const images = [
      image([result('fal/live-portrait', true, 9000, 0.1), result('local/warp', true, 2000, 0)]),
      image([result('fal/live-portrait', true, 11000, 0.2), result('local/warp', false, 50)]),
      image([result('fal/live-portrait', false, 30000), result('local/warp', true, 4000, 0)]),
    ]
    expect(summarizeTargets(['fal/live-portrait', 'local/warp', 'magichour/image-to-video'], images)).toEqual({
      'fal/live-portrait': { successes: 2, failures: 1, medianLatencyMs: 10000, totalUsd: 0.3 },
      'local/warp': { successes: 2, failures: 1, medianLatencyMs: 3000, totalUsd: 0 },
      'magichour/image-to-video': { successes: 0, failures: 0, medianLatencyMs: null, totalUsd: null },
    })
  })

  it('leaves the total cost null when no success reported one', () => {
    expect(summarizeTargets(['a/b'], [image([result('a/b', true, 10)])])['a/b']!.totalUsd).toBeNull()
  })
})

describe('median', () => {
  it('is the middle value, or the mean of the middle two', () => {
    expect(median([5, 1, 3])).toBe(3)
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(median([])).toBeNull()
  })
})
