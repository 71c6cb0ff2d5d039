import { escapeHtml, relativeHref } from './html-escape.js'
import { motionChartSvg } from './motion-chart.js'
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
  if (result.output?.strip) parts.push(`<img class="strip" data-figure="strip" src="${escapeHtml(source(result.output.strip))}" alt="${escapeHtml(`Frames of ${result.target} on ${image.source}`)}">`)
  if (result.output?.motionSeries && result.output.motionSeries.length > 0) parts.push(motionChartSvg(result.output.motionSeries))
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

/** A figure row: its name, its value (`null`: not measured), the key it has in the JSON, and the one-line explanation shown on hover. */
type FigureRow = readonly [name: string, value: string | null, key: string, explanation: string]

function figures(result: ReportResult): string {
  const output = result.output
  const cost = result.cost ? formatCost(result.cost.usd, result.cost.credits, result.cost.basis) : null
  const rows: FigureRow[] = [
    ['Latency', formatDuration(result.durationMs), 'latency', FIGURE_LINES.latency],
    ['Cost', cost, 'cost', FIGURE_LINES.cost],
  ]
  if (output) {
    rows.push(
      ['Duration', output.durationSeconds === null ? null : `${output.durationSeconds.toFixed(2)} s`, 'durationSeconds', FIGURE_LINES.duration],
      ['FPS', output.fps === null ? null : String(Math.round(output.fps * 100) / 100), 'fps', FIGURE_LINES.fps],
      ['Resolution', output.width !== null && output.height !== null ? `${output.width}×${output.height}` : null, 'resolution', FIGURE_LINES.resolution],
      ['Size', formatBytes(output.bytes), 'bytes', FIGURE_LINES.size],
      ['Codec', output.codec, 'codec', FIGURE_LINES.codec],
      ['Motion energy', output.motionEnergy === null ? null : output.motionEnergy.toFixed(3), 'motionEnergy', FIGURE_LINES.motionEnergy],
      ['Identity', output.identitySimilarity === null ? null : output.identitySimilarity.toFixed(3), 'identitySimilarity', FIGURE_LINES.identity],
    )
    if (output.hasAudioTrack !== null) {
      rows.push(['Audio', output.hasAudioTrack ? (output.audioSeconds === null ? 'yes' : `${output.audioSeconds.toFixed(2)} s`) : 'none', 'audioSeconds', FIGURE_LINES.audio])
    }
    const notAudioDriven = 'not an audio-driven output'
    if (output.inputAudioSeconds !== null || (output.notes.inputAudioSeconds ?? notAudioDriven) !== notAudioDriven) {
      rows.push(['Input audio', output.inputAudioSeconds === null ? null : `${output.inputAudioSeconds.toFixed(2)} s`, 'inputAudioSeconds', FIGURE_LINES.inputAudio])
    }
    if (output.lipSyncOffsetMs !== null || (output.notes.lipSyncOffsetMs ?? notAudioDriven) !== notAudioDriven) {
      rows.push(['Lip sync', output.lipSyncOffsetMs === null ? null : `${output.lipSyncOffsetMs > 0 ? '+' : ''}${output.lipSyncOffsetMs} ms`, 'lipSyncOffsetMs', FIGURE_LINES.lipSync])
    }
    if (output.decoder !== null) rows.push(['Decoded by', output.decoder, 'decoder', FIGURE_LINES.decoder])
  }
  return `<dl class="figures">${rows
    .map(([name, value, key, explanation]) => `<dt title="${escapeHtml(explanation)}">${escapeHtml(name)}</dt><dd data-figure="${escapeHtml(key)}">${value === null ? '<span class="none">—</span>' : escapeHtml(value)}</dd>`)
    .join('')}</dl>`
}

/** One line per figure: shown on hover over its name, and listed under "About the figures". */
const FIGURE_LINES = {
  latency: "wall time of the target's run, retries included; the summary's median counts successful runs only.",
  cost: 'what the provider charged, or the estimate when it does not say.',
  duration: "the video track's length, from its container.",
  fps: 'frames per second: frames ÷ track duration.',
  resolution: 'the picture size the video declares.',
  size: 'bytes of the file.',
  codec: 'the video codec string from the container (avc1.42…: H.264 Baseline, avc1.4d…: Main, avc1.64…: High), or the image format.',
  motionEnergy: 'mean absolute change between consecutive frames in grey levels (0..255) after averaging each frame to at most 64×64 cells: 0 is a still clip; a gentle live photo scores well under 1, a cut or a flash tens.',
  identity: "similarity of the face in the input and in the output's middle frame (Human's face description model), 0..1; above about 0.5 is usually the same person.",
  audio: "the output's audio track and its length; \"none\" when the video is silent.",
  inputAudio: 'seconds of input speech asked for (--start..--end, else all of it): compare with Audio.',
  lipSync: "how late the mouth moves after the sound: the lag of the best cross-correlation between motion in the mouth region and the loudness of the input speech (else of the clip's own audio), within ±500 ms; empty when no clear peak.",
  decoder: 'what decoded the frames: tinyh264 (Baseline H.264, in process) or chromium (WebCodecs: High/Main profile with B-frames, VP9, AV1).',
} as const

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
<li><b>Latency</b>: ${escapeHtml(FIGURE_LINES.latency)}</li>
<li><b>Cost</b>: ${escapeHtml(FIGURE_LINES.cost)}</li>
<li><b>Duration, FPS, Resolution</b>: from the video's container (frame rate = frames ÷ track duration). <b>Size</b>: ${escapeHtml(FIGURE_LINES.size)} <b>Codec</b>: ${escapeHtml(FIGURE_LINES.codec)}</li>
<li><b>Frames</b>: six frames from the first to the last (or the last measured), side by side. <b>Motion over time</b>: the change from each frame to the next, scaled to its own peak.</li>
<li><b>Motion energy</b>: ${escapeHtml(FIGURE_LINES.motionEnergy)}</li>
<li><b>Identity</b>: ${escapeHtml(FIGURE_LINES.identity)}</li>
<li><b>Audio</b>: ${escapeHtml(FIGURE_LINES.audio)} <b>Input audio</b>: ${escapeHtml(FIGURE_LINES.inputAudio)}</li>
<li><b>Lip sync</b>: ${escapeHtml(FIGURE_LINES.lipSync)}</li>
<li><b>Decoded by</b>: ${escapeHtml(FIGURE_LINES.decoder)}</li>
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
