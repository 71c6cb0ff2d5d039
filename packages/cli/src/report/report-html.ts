import { escapeHtml, relativeHref } from './html-escape.js'
import type { ReportDocument, ReportImage, ReportOutput, ReportResult, TargetSummary } from './report-document.js'
import { redactReport } from './report-json.js'
import { REPORT_STYLES } from './report-styles.js'

/** Options of `renderReportHtml`. */
export interface RenderReportOptions {
  /**
   * The `src` of a file of the report folder, from its relative path (`media/a.mp4`): a relative
   * URL by default, or a data URI for a single-file report.
   * @default relativeHref
   */
  readonly mediaSource?: (path: string) => string
}

/**
 * The report page: one row per image, one column per target, each output playing inline with its
 * latency, cost, warnings, errors and figures, and a summary row per target. Self-contained:
 * inline styles, no script, no external resource; every string is escaped, and a
 * Content-Security-Policy forbids scripts should anything slip through.
 */
export function renderReportHtml(document: ReportDocument, options: RenderReportOptions = {}): string {
  const report = redactReport(document)
  const source = options.mediaSource ?? relativeHref
  const title = `Comparison: ${report.images.length} image${report.images.length === 1 ? '' : 's'} × ${report.targets.length} target${report.targets.length === 1 ? '' : 's'}`
  const meta = [`Generated ${report.generatedAt}`, `motion: ${report.motion}`, ...(report.route ? [`route: ${report.route}`] : [])].join(' · ')
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; connect-src 'none'">
<link rel="icon" href="data:,">
<title>${escapeHtml(`portrait-animator: ${title}`)}</title>
<style>${REPORT_STYLES}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="meta">${escapeHtml(meta)}</p>
<div class="scroll">
<table>
<thead><tr><th scope="col">Input</th>${report.targets.map((target) => `<th scope="col">${escapeHtml(target)}</th>`).join('')}</tr></thead>
<tbody>
${report.images.map((image) => imageRow(image, report.targets, source)).join('\n')}
</tbody>
<tfoot><tr><th scope="row">Summary</th>${report.targets.map((target) => summaryCell(report.summary[target])).join('')}</tr></tfoot>
</table>
</div>
${FIGURES_HELP}
</body>
</html>
`
}

function imageRow(image: ReportImage, targets: readonly string[], source: (path: string) => string): string {
  const size = image.width && image.height ? ` width="${image.width}" height="${image.height}"` : ''
  const input = `<th scope="row"><img class="input" src="${escapeHtml(source(image.input))}" alt="${escapeHtml(`Input ${image.source}`)}"${size}><div class="source">${escapeHtml(image.source)}</div><div class="motion">${escapeHtml(image.motion)}</div></th>`
  const cells = targets.map((target) => {
    const result = image.results.find((candidate) => candidate.target === target)
    return result ? resultCell(result, image, source) : '<td><span class="none">not run</span></td>'
  })
  return `<tr>${input}${cells.join('')}</tr>`
}

function resultCell(result: ReportResult, image: ReportImage, source: (path: string) => string): string {
  const parts: string[] = []
  if (result.output) parts.push(media(result.output, `${result.target} on ${image.source}`, source))
  const badges = [result.ok ? '<span class="badge ok">ok</span>' : `<span class="badge failed">${escapeHtml(result.error?.kind ?? 'failed')}</span>`]
  if (result.warnings.length > 0) badges.push(`<span class="badge warning">${result.warnings.length} warning${result.warnings.length === 1 ? '' : 's'}</span>`)
  parts.push(`<div class="badges">${badges.join('')}</div>`)
  if (result.error) parts.push(`<div class="error">${escapeHtml(result.error.message)}</div>`)
  if (result.warnings.length > 0) {
    parts.push(`<ul class="warnings">${result.warnings.map((warning) => `<li>${escapeHtml(warning.setting ? `${warning.setting}: ${warning.message}` : warning.message)}</li>`).join('')}</ul>`)
  }
  parts.push(figures(result))
  const notes = Object.entries(result.output?.notes ?? {})
  if (notes.length > 0) parts.push(`<ul class="notes">${notes.map(([figure, note]) => `<li>${escapeHtml(`${figure}: ${note}`)}</li>`).join('')}</ul>`)
  return `<td class="${result.ok ? 'ok' : 'failed'}">${parts.join('')}</td>`
}

function media(output: ReportOutput, label: string, source: (path: string) => string): string {
  const src = escapeHtml(source(output.path))
  const size = output.width && output.height ? ` width="${output.width}" height="${output.height}"` : ''
  if (output.mimeType.startsWith('video/')) {
    return `<video controls muted loop playsinline autoplay preload="auto" src="${src}"${size} title="${escapeHtml(label)}"></video>`
  }
  return `<img class="output" src="${src}" alt="${escapeHtml(label)}"${size}>`
}

function figures(result: ReportResult): string {
  const output = result.output
  const cost = result.cost ? formatCost(result.cost.usd, result.cost.credits, result.cost.basis) : null
  const rows: [string, string | null][] = [
    ['Latency', formatDuration(result.durationMs)],
    ['Cost', cost],
  ]
  if (output) {
    rows.push(
      ['Duration', output.durationSeconds === null ? null : `${output.durationSeconds.toFixed(2)} s`],
      ['FPS', output.fps === null ? null : String(Math.round(output.fps * 100) / 100)],
      ['Resolution', output.width !== null && output.height !== null ? `${output.width}×${output.height}` : null],
      ['Size', formatBytes(output.bytes)],
      ['Motion energy', output.motionEnergy === null ? null : output.motionEnergy.toFixed(3)],
      ['Identity', output.identitySimilarity === null ? null : output.identitySimilarity.toFixed(3)],
    )
  }
  return `<dl class="figures">${rows.map(([name, value]) => `<dt>${escapeHtml(name)}</dt><dd>${value === null ? '<span class="none">—</span>' : escapeHtml(value)}</dd>`).join('')}</dl>`
}

function summaryCell(summary: TargetSummary | undefined): string {
  if (!summary) return '<td></td>'
  const rows: [string, string][] = [
    ['Succeeded', `${summary.successes} of ${summary.successes + summary.failures}`],
    ['Median latency', summary.medianLatencyMs === null ? '—' : formatDuration(summary.medianLatencyMs)],
    ['Total cost', summary.totalUsd === null ? '—' : `$${summary.totalUsd.toFixed(3)}`],
  ]
  return `<td><dl class="figures">${rows.map(([name, value]) => `<dt>${escapeHtml(name)}</dt><dd>${escapeHtml(value)}</dd>`).join('')}</dl></td>`
}

const FIGURES_HELP = `<details>
<summary>About the figures</summary>
<ul>
<li><b>Latency</b>: wall time of the target's run, retries included. The summary's median counts successful runs only.</li>
<li><b>Duration, FPS, Resolution</b>: from the MP4 headers (frame rate = frames ÷ track duration). <b>Size</b>: bytes of the file.</li>
<li><b>Motion energy</b>: mean absolute difference between consecutive frames, in grey levels (0..255), after averaging each grayscale frame down to a grid of at most 64 cells a side: 0 is a still clip, 255 black and white flipping every frame. A gentle live photo of a small face scores well under 1; a cut or a flash, tens.</li>
<li><b>Identity</b>: similarity of the face in the input and in the output's middle frame (Human's face description model), 0 to 1; above about 0.5 is usually the same person.</li>
<li>A dash means the figure could not be measured; the grey notes under a cell say why.</li>
</ul>
</details>`

function formatDuration(milliseconds: number): string {
  if (milliseconds < 1000) return `${Math.round(milliseconds)} ms`
  if (milliseconds < 60_000) return `${(milliseconds / 1000).toFixed(1)} s`
  return `${Math.floor(milliseconds / 60_000)} min ${Math.round((milliseconds % 60_000) / 1000)} s`
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`
}

function formatCost(usd: number | null, credits: number | null, basis: string): string | null {
  const parts = [usd === null ? '' : `$${usd.toFixed(3)}`, credits === null ? '' : `${credits} credits`].filter(Boolean)
  return parts.length === 0 ? null : `${parts.join(', ')} (${basis})`
}
