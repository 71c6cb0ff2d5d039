import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PortraitAnimatorError, type AnimationRequest, type AnimationResult, type CompareEntry } from '@portrait-animator/core'
import { createScriptedAnimator } from '@portrait-animator/core/testing'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ComparisonReport, type ReportInput } from './comparison-report.js'
import type { ReportDocument } from './report-document.js'
import { encodeTestClip, squareFrame } from './test-clips.test-helpers.js'

const REQUEST: AnimationRequest = { image: new Uint8Array([1]), motion: { type: 'preset', preset: 'live-photo' } }
const INPUT: ReportInput = { bytes: new TextEncoder().encode('not really a png'), fileName: 'me.png', mimeType: 'image/png', width: 640, height: 480 }

async function success(target: string, bytes: Uint8Array, extra: { warning?: string; usd?: number } = {}): Promise<CompareEntry> {
  const [provider, modelId] = target.split('/') as [string, string]
  const animator = createScriptedAnimator({
    provider,
    modelId,
    script: [
      {
        type: 'succeed',
        bytes,
        ...(extra.warning ? { warnings: [{ type: 'clamped', setting: 'motion.yaw', message: extra.warning }] } : {}),
        ...(extra.usd !== undefined ? { cost: { usd: extra.usd, basis: 'charged' } } : {}),
      },
    ],
  })
  return { target, ok: true, result: await animator.animate(REQUEST), durationMs: 1234.4 }
}

function failure(target: string, kind: 'unsupported' | 'unavailable', message: string): CompareEntry {
  return { target, ok: false, error: new PortraitAnimatorError({ kind, message }), durationMs: 0 }
}

describe('ComparisonReport', () => {
  let directory: string
  let clip: Uint8Array
  beforeAll(async () => {
    clip = await encodeTestClip({ width: 64, height: 48, frames: 6, fps: 12, draw: (index) => squareFrame(64, 48, index * 6) })
  })
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'compare-report-'))
  })
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true })
  })

  it('saves outputs next to the report, copies the inputs and writes report.json and report.html', async () => {
    const report = new ComparisonReport({ directory, targets: ['fake/a', 'fal/live-portrait'], motion: 'preset live-photo', identity: false, now: () => new Date('2025-05-06T07:08:09Z') })
    await report.addImage('photos/me.png', INPUT, [await success('fake/a', clip, { warning: 'yaw was clamped', usd: 0.05 }), failure('fal/live-portrait', 'unsupported', 'fal/live-portrait was skipped: not configured: FAL_KEY is not set')])
    await report.addImage('other/me.png', INPUT, [await success('fake/a', clip), failure('fal/live-portrait', 'unavailable', 'fal is down')])
    const written = await report.write()

    expect((await readdir(join(directory, 'media'))).sort()).toEqual(['me-2-fake-a-strip.jpg', 'me-2-fake-a.mp4', 'me-fake-a-strip.jpg', 'me-fake-a.mp4'])
    expect((await readdir(join(directory, 'inputs'))).sort()).toEqual(['me-2.png', 'me.png'])
    expect(new Uint8Array(await readFile(join(directory, 'media/me-fake-a.mp4')))).toEqual(clip)
    const json = JSON.parse(await readFile(written.jsonPath, 'utf8')) as ReportDocument
    expect(json).toEqual(written.document)
    expect(json).toMatchObject({ schemaVersion: 2, generatedAt: '2025-05-06T07:08:09.000Z', targets: ['fake/a', 'fal/live-portrait'] })
    expect(json.images.map((image) => image.input)).toEqual(['inputs/me.png', 'inputs/me-2.png'])
    const [first] = json.images
    expect(first!.results[0]).toMatchObject({
      target: 'fake/a',
      ok: true,
      durationMs: 1234,
      cost: { usd: 0.05, credits: null, basis: 'charged' },
      warnings: [{ type: 'clamped', setting: 'motion.yaw', message: 'yaw was clamped' }],
      error: null,
      output: { path: 'media/me-fake-a.mp4', strip: 'media/me-fake-a-strip.jpg', mimeType: 'video/mp4', bytes: clip.byteLength, width: 64, height: 48, fps: 12, durationSeconds: 0.5, identitySimilarity: null, decoder: 'tinyh264', hasAudioTrack: false },
    })
    expect(first!.results[0]!.output!.motionEnergy).toBeGreaterThan(1)
    expect(first!.results[1]).toMatchObject({ target: 'fal/live-portrait', ok: false, output: null, error: { kind: 'unsupported', message: expect.stringContaining('FAL_KEY is not set') } })
    expect(json.summary).toEqual({
      'fake/a': { successes: 2, failures: 0, medianLatencyMs: 1234, totalUsd: 0.05 },
      'fal/live-portrait': { successes: 0, failures: 2, medianLatencyMs: null, totalUsd: null },
    })
    const html = await readFile(written.htmlPath, 'utf8')
    expect(html).toContain('src="media/me-fake-a.mp4"')
    expect(html).toContain('src="inputs/me-2.png"')
  })

  it('embeds media as data URIs with --inline', async () => {
    const report = new ComparisonReport({ directory, targets: ['fake/a'], motion: 'preset live-photo', identity: false, inline: true })
    await report.addImage('me.png', INPUT, [await success('fake/a', clip)])
    const html = await readFile((await report.write()).htmlPath, 'utf8')
    expect(html).toContain(`src="data:video/mp4;base64,${Buffer.from(clip).toString('base64')}"`)
    expect(html).toContain(`src="data:image/png;base64,${Buffer.from(INPUT.bytes).toString('base64')}"`)
    expect(html).toMatch(/<img class="strip" data-figure="strip" src="data:image\/jpeg;base64,/)
    expect(html).not.toMatch(/src="(media|inputs)\//)
  })

  it('turns an output that cannot be saved into a failed cell instead of crashing', async () => {
    const entry = await success('fake/a', clip)
    const broken: AnimationResult = {
      ...entry.result!,
      output: { ...entry.result!.output, save: () => Promise.reject(new PortraitAnimatorError({ kind: 'unavailable', message: 'download of https://cdn.example.com/x.mp4?token=abcdef123 failed' })) },
    }
    const report = new ComparisonReport({ directory, targets: ['fake/a'], motion: 'preset live-photo', identity: false })
    await report.addImage('me.png', INPUT, [{ ...entry, result: broken }])
    const { document } = await report.write()
    expect(document.images[0]!.results[0]).toMatchObject({ ok: false, output: null, error: { kind: 'unavailable' } })
    const json = await readFile(join(directory, 'report.json'), 'utf8')
    expect(json).not.toContain('abcdef123')
    expect(document.summary['fake/a']).toMatchObject({ successes: 0, failures: 1 })
  })
})
