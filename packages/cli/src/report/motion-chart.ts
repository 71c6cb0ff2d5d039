import { escapeHtml } from './html-escape.js'

/** Size of the chart in CSS pixels. */
const WIDTH = 240
const HEIGHT = 48

/**
 * A small inline SVG line chart of motion over time (one point per frame pair), scaled to its own
 * peak, which the label states. Plain markup: no script, no external resource.
 *
 * @example
 * ```ts
 * motionChartSvg([0.1, 0.4, 0.2]) // '<svg class="chart" ...><polyline points="..."/></svg>'
 * ```
 */
export function motionChartSvg(series: readonly number[]): string {
  const peak = Math.max(...series, 0)
  const scale = peak > 0 ? (HEIGHT - 4) / peak : 0
  const step = series.length > 1 ? WIDTH / (series.length - 1) : 0
  const points = series.map((value, index) => `${(index * step).toFixed(1)},${(HEIGHT - 2 - value * scale).toFixed(1)}`).join(' ')
  const label = `Motion over time: ${series.length} frame changes, peak ${peak.toFixed(2)} grey levels`
  return `<svg class="chart" data-figure="motionChart" role="img" aria-label="${escapeHtml(label)}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" preserveAspectRatio="none"><title>${escapeHtml(label)}</title><line x1="0" y1="${HEIGHT - 2}" x2="${WIDTH}" y2="${HEIGHT - 2}" class="axis"/><polyline points="${points}" fill="none" stroke="currentColor" stroke-width="1.5" vector-effect="non-scaling-stroke"/></svg><div class="chart-label">${escapeHtml(`motion over time, peak ${peak.toFixed(2)}`)}</div>`
}
