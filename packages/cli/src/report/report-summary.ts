import type { ReportImage, TargetSummary } from './report-document.js'

/**
 * Totals per target over every image: successes, failures, the median latency of its successful
 * runs (failures and skips are not comparable latencies) and the sum of its known USD costs.
 */
export function summarizeTargets(targets: readonly string[], images: readonly ReportImage[]): Record<string, TargetSummary> {
  const summary: Record<string, TargetSummary> = {}
  for (const target of targets) {
    const results = images.flatMap((image) => image.results.filter((result) => result.target === target))
    const successes = results.filter((result) => result.ok)
    const costs = successes.flatMap((result) => (result.cost?.usd === null || result.cost?.usd === undefined ? [] : [result.cost.usd]))
    summary[target] = {
      successes: successes.length,
      failures: results.length - successes.length,
      medianLatencyMs: median(successes.map((result) => result.durationMs)),
      // Rounded to a hundredth of a cent so float sums read cleanly.
      totalUsd: costs.length === 0 ? null : Math.round(costs.reduce((sum, usd) => sum + usd, 0) * 10_000) / 10_000,
    }
  }
  return summary
}

/** The median of `values` (mean of the middle two for an even count), or `null` when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((first, second) => first - second)
  const middle = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}
