import { describe, expect, it } from 'vitest'
import { escapeHtml, relativeHref } from './html-escape.js'
import type { ReportDocument, ReportResult } from './report-document.js'
import { renderReportHtml } from './report-html.js'
import { reportJsonText } from './report-json.js'
import { summarizeTargets } from './report-summary.js'

const HOSTILE = `"><img src=x onerror=alert(1)><script>alert('x')</script>`

const ok: ReportResult = {
  target: 'local/warp',
  ok: true,
  durationMs: 2345,
  cost: { usd: 0, credits: null, basis: 'estimated' },
  warnings: [{ type: 'clamped', setting: 'motion.yaw', message: `yaw ${HOSTILE} was clamped` }],
  error: null,
  output: {
    path: 'media/me & you #1-local-warp.mp4',
    mimeType: 'video/mp4',
    bytes: 153_600,
    codec: 'avc1.42c01e',
    width: 512,
    height: 512,
    durationSeconds: 3,
    fps: 24,
    motionEnergy: 0.0812,
    motionSeries: [0.05, 0.1, 0.07],
    identitySimilarity: 0.912,
    decoder: 'tinyh264',
    hasAudioTrack: false,
    audioSeconds: null,
    inputAudioSeconds: null,
    lipSyncOffsetMs: null,
    strip: 'media/me & you #1-local-warp-strip.jpg',
    notes: { audioSeconds: 'the output has no audio track', inputAudioSeconds: 'not an audio-driven output', lipSyncOffsetMs: 'not an audio-driven output' },
  },
  providerMetadata: { fal: { requestId: 'req-1', resultUrl: 'https://cdn.example.com/out.mp4?X-Amz-Signature=abcdef123456&token=secret-token-value' } },
}

const failed: ReportResult = {
  target: 'fal/live-portrait',
  ok: false,
  durationMs: 0,
  cost: null,
  warnings: [],
  error: { kind: 'unsupported', message: `fal/live-portrait was skipped: not configured ${HOSTILE}` },
  output: null,
  providerMetadata: null,
}

const stillOutput: ReportResult = {
  ...ok,
  target: 'fake/still',
  warnings: [],
  output: { ...ok.output!, path: 'media/me-fake-still.webp', mimeType: 'image/webp', motionEnergy: null, motionSeries: null, strip: null, notes: { motionEnergy: 'motion is measured for H.264 MP4 outputs only (this is webp)' } },
}

function documentWith(results: ReportResult[]): ReportDocument {
  const images = [{ input: 'inputs/me & you #1.png', source: `photos/${HOSTILE}.png`, motion: 'preset live-photo', width: 640, height: 480, results }]
  const targets = results.map((result) => result.target)
  return { schemaVersion: 2, generatedAt: '2025-01-02T03:04:05.000Z', motion: 'preset live-photo', route: null, targets, images, summary: summarizeTargets(targets, images) }
}

describe('renderReportHtml', () => {
  const html = renderReportHtml(documentWith([ok, failed, stillOutput]))

  it('escapes every string from results and inputs', () => {
    expect(html).not.toContain('<script>')
    expect(html).not.toContain('<img src=x')
    expect(html).toContain(escapeHtml(`fal/live-portrait was skipped: not configured ${HOSTILE}`))
    expect(html).toContain(escapeHtml(`motion.yaw: yaw ${HOSTILE} was clamped`))
    expect(html).toContain(escapeHtml(`photos/${HOSTILE}.png`))
  })

  it('plays videos inline and shows images as images, by relative URL', () => {
    expect(html).toContain(`<video controls muted loop playsinline autoplay preload="auto" src="media/me%20%26%20you%20%231-local-warp.mp4" width="512" height="512"`)
    expect(html).toContain('<img class="output" src="media/me-fake-still.webp"')
    expect(html).toContain('<img class="input" src="inputs/me%20%26%20you%20%231.png"')
  })

  it('loads nothing from elsewhere and forbids scripts', () => {
    const urls = [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((match) => match[1]!)
    expect(urls.length).toBeGreaterThanOrEqual(4)
    for (const url of urls) expect(url).toMatch(/^(media\/|inputs\/|data:)/)
    expect(html).not.toMatch(/<script|<link rel="stylesheet"|@import|url\(/i)
    expect(html).toContain(`script-src 'none'`)
  })

  it('shows badges, figures, notes and a summary row per target', () => {
    expect(html).toContain('<span class="badge ok">ok</span><span class="badge warning">1 warning</span>')
    expect(html).toContain('<span class="badge failed">unsupported</span>')
    expect(html).toMatch(/<dt title="wall time[^"]*">Latency<\/dt><dd data-figure="latency">2\.3 s<\/dd>/)
    expect(html).toMatch(/>Resolution<\/dt><dd data-figure="resolution">512×512<\/dd>/)
    expect(html).toMatch(/>Motion energy<\/dt><dd data-figure="motionEnergy">0\.081<\/dd>/)
    expect(html).toMatch(/>Identity<\/dt><dd data-figure="identitySimilarity">0\.912<\/dd>/)
    expect(html).toMatch(/>Audio<\/dt><dd data-figure="audioSeconds">none<\/dd>/)
    // Not audio-driven: no input-audio or lip-sync rows.
    expect(html).not.toContain('data-figure="lipSyncOffsetMs"')
    expect(html).toContain('motionEnergy: motion is measured for H.264 MP4 outputs only (this is webp)')
    const footer = html.slice(html.indexOf('<tfoot>'), html.indexOf('</tfoot>'))
    expect(footer.match(/<td>/g)).toHaveLength(3)
    expect(footer).toContain('<dt>Succeeded</dt><dd>1 of 1</dd>')
    expect(footer).toContain('<dt>Succeeded</dt><dd>0 of 1</dd>')
  })

  it('shows a strip of frames and an inline SVG chart of motion over time, and explains every figure', () => {
    expect(html).toContain('<img class="strip" data-figure="strip" src="media/me%20%26%20you%20%231-local-warp-strip.jpg"')
    expect(html).toMatch(/<svg class="chart" data-figure="motionChart" role="img" aria-label="Motion over time: 3 frame changes, peak 0\.10 grey levels"[^>]*>.*<polyline points="0\.0,24\.0 120\.0,2\.0 240\.0,15\.2"/)
    const help = html.slice(html.indexOf('<details>'))
    for (const figure of ['Latency', 'Cost', 'Duration, FPS, Resolution', 'Size', 'Codec', 'Frames', 'Motion over time', 'Motion energy', 'Identity', 'Audio', 'Input audio', 'Lip sync', 'Decoded by']) expect(help).toContain(`<b>${figure}</b>`)
  })

  it('shows the audio figures of an audio-driven output', () => {
    const talking: ReportResult = { ...ok, output: { ...ok.output!, hasAudioTrack: true, audioSeconds: 4, inputAudioSeconds: 4, lipSyncOffsetMs: 40, notes: {} } }
    const page = renderReportHtml(documentWith([talking]))
    expect(page).toMatch(/>Audio<\/dt><dd data-figure="audioSeconds">4\.00 s<\/dd>/)
    expect(page).toMatch(/>Input audio<\/dt><dd data-figure="inputAudioSeconds">4\.00 s<\/dd>/)
    expect(page).toMatch(/>Lip sync<\/dt><dd data-figure="lipSyncOffsetMs">\+40 ms<\/dd>/)
  })

  it('uses the given media sources (data URIs for a single-file report)', () => {
    const inline = renderReportHtml(documentWith([ok]), { mediaSource: (path) => `data:video/mp4;base64,${Buffer.from(path).toString('base64')}` })
    expect(inline).not.toContain('src="media/')
    expect(inline).toContain(`src="data:video/mp4;base64,${Buffer.from('media/me & you #1-local-warp.mp4').toString('base64')}"`)
  })

  it('masks signed URLs and tokens in the page and in report.json', () => {
    const json = reportJsonText(documentWith([ok]))
    for (const text of [html, json]) {
      expect(text).not.toContain('abcdef123456')
      expect(text).not.toContain('secret-token-value')
    }
    expect(JSON.parse(json).images[0].results[0].providerMetadata.fal).toEqual({ requestId: 'req-1', resultUrl: 'https://cdn.example.com/out.mp4?[redacted]' })
  })
})

describe('relativeHref', () => {
  it('percent-encodes each path segment so # and ? stay part of the file name', () => {
    expect(relativeHref('media/a b#1?.mp4')).toBe('media/a%20b%231%3F.mp4')
  })
})
