import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL, fileURLToPath } from 'node:url'
import { PortraitAnimatorError, probeMedia, type AnimationRequest, type CompareEntry } from '@portrait-animator/core'
import { createScriptedAnimator } from '@portrait-animator/core/testing'
import { chromium, type BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderPreset } from '@portrait-animator/adapter-local'
import { ComparisonReport } from './comparison-report.js'

/** Debian's chromium (`apt-get install chromium`; `.ci/run` installs it). */
const CHROMIUM = '/usr/bin/chromium'
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
const ASTRONAUT = fileURLToPath(new URL('../../../../examples/assets/astronaut.png', import.meta.url))
const HELLO = fileURLToPath(new URL('../../../../examples/assets/hello.wav', import.meta.url))
/** A talking photo shaped like fal's and Magic Hour's: H.264 High profile with B-frames, 25 fps, AAC (packages/emulator/fixtures/NOTICE.md). */
const HIGH_PROFILE_TALKING = fileURLToPath(new URL('../../../emulator/fixtures/provider-shaped.mp4', import.meta.url))

/** The figures every successful output must show, by kind (a still has no frame rate, motion or sound). */
const STILL_FIGURES = ['latency', 'cost', 'resolution', 'bytes', 'identitySimilarity']
const VIDEO_FIGURES = [...STILL_FIGURES, 'durationSeconds', 'fps', 'motionEnergy', 'audioSeconds', 'decoder', 'strip', 'motionChart']
const TALKING_FIGURES = [...VIDEO_FIGURES, 'inputAudioSeconds', 'lipSyncOffsetMs']

// Skipped only on a developer machine without chromium; in CI (CI set) a missing browser fails the test.
const skip = !existsSync(CHROMIUM) && !process.env.CI
if (skip) console.warn(`Skipping the report's browser test: ${CHROMIUM} is missing. Install it with "apt-get install -y chromium" (CI installs it and never skips).`)

async function fakeEntry(target: string, bytes: Uint8Array, format: 'mp4' | 'png'): Promise<CompareEntry> {
  const [provider, modelId] = target.split('/') as [string, string]
  const animator = createScriptedAnimator({ provider, modelId, script: [{ type: 'succeed', bytes, cost: { usd: 0.05, basis: 'charged' }, warnings: [{ type: 'translated', message: 'served through a driving clip <b>' }] }] })
  const request: AnimationRequest = { image: new Uint8Array([1]), motion: { type: 'preset', preset: 'live-photo' }, output: { format, kind: format === 'mp4' ? 'video' : 'image' } }
  return { target, ok: true, result: await animator.animate(request), durationMs: 1800 }
}

interface PageCheck {
  readonly problems: string[]
  readonly videos: { readyState: number; error: string | null; width: number }[]
  readonly images: { complete: boolean; width: number; strip: boolean }[]
  /** Per successful cell: its target, whether it holds a video, and the figures it shows filled. */
  readonly cells: { target: string; video: boolean; filled: string[]; empty: string[] }[]
}

describe.skipIf(skip)('the comparison report in headless Chromium', () => {
  let directory: string
  let context: BrowserContext
  let portraitWidth: number

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'report-browser-'))
    const portrait = await readFile(ASTRONAUT)
    portraitWidth = probeMedia(portrait).width!
    const live = (await renderPreset(portrait, 'live-photo')).bytes
    const talking = await readFile(HIGH_PROFILE_TALKING)
    const speech = await readFile(HELLO)
    const input = { bytes: portrait, fileName: 'astronaut.png', mimeType: 'image/png', width: portraitWidth, height: portraitWidth }
    const skipped = (target: string) => ({ target, ok: false, error: new PortraitAnimatorError({ kind: 'unsupported', message: `${target} cannot serve this motion <i>` }), durationMs: 0 })
    for (const inline of [false, true]) {
      const report = new ComparisonReport({ directory: join(directory, inline ? 'inline' : 'folder'), targets: ['local/warp', 'fal/live-portrait-image', 'fal/sadtalker', 'magichour/talking-photo'], motion: 'one per image', inline })
      await report.addImage('examples/astronaut.png', input, [await fakeEntry('local/warp', live, 'mp4'), await fakeEntry('fal/live-portrait-image', portrait, 'png'), skipped('fal/sadtalker'), skipped('magichour/talking-photo')], { motion: 'preset live-photo' })
      await report.addImage('examples/astronaut.png', input, [skipped('local/warp'), skipped('fal/live-portrait-image'), await fakeEntry('fal/sadtalker', talking, 'mp4'), await fakeEntry('magichour/talking-photo', talking, 'mp4')], {
        motion: 'audio hello.wav 0–4 s',
        audio: { bytes: speech, startSeconds: 0, endSeconds: 4 },
      })
      await report.write()
    }
    context = await chromium.launchPersistentContext(join(directory, 'profile'), { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS })
  })

  afterAll(async () => {
    await context?.close()
    if (directory) await rm(directory, { recursive: true, force: true })
  })

  async function open(file: string): Promise<PageCheck> {
    const page = await context.newPage()
    const problems: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`)
    })
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url().slice(0, 120)} ${request.failure()?.errorText ?? ''}`))
    try {
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' })
      // Every video must have its current frame decoded (HAVE_CURRENT_DATA) or better; a busy
      // machine decodes late, so the wait is generous.
      await page
        .waitForFunction(() => [...document.querySelectorAll('video')].every((video) => video.readyState >= 2 || video.error !== null), undefined, { timeout: 60_000 })
        .catch(() => undefined)
      const videos = await page.$$eval('video', (elements) => elements.map((video) => ({ readyState: video.readyState, error: video.error?.message ?? null, width: video.videoWidth })))
      const images = await page.$$eval('img', (elements) => elements.map((image) => ({ complete: image.complete, width: image.naturalWidth, strip: image.classList.contains('strip') })))
      const cells = await page.$$eval('tbody td.ok', (elements) =>
        elements.map((cell) => {
          const column = [...cell.parentElement!.children].indexOf(cell)
          const target = document.querySelectorAll('thead th')[column]!.textContent!
          const figures = [...cell.querySelectorAll('[data-figure]')]
          const isFilled = (element: Element) => (element instanceof HTMLImageElement ? element.complete && element.naturalWidth > 0 : element.tagName.toLowerCase() === 'svg' ? element.querySelector('polyline') !== null : element.querySelector('.none') === null && element.textContent!.trim() !== '')
          return {
            target,
            video: cell.querySelector('video') !== null,
            filled: figures.filter(isFilled).map((element) => element.getAttribute('data-figure')!),
            empty: figures.filter((element) => !isFilled(element)).map((element) => element.getAttribute('data-figure')!),
          }
        }),
      )
      return { problems, videos, images, cells }
    } finally {
      await page.close()
    }
  }

  for (const [name, file] of [
    ['a report folder with relative media', 'folder/report.html'],
    ['a single-file report (--inline)', 'inline/report.html'],
  ] as const) {
    it(`loads ${name} without console errors, and every video can play`, async () => {
      const check = await open(join(directory, file))
      expect(check.problems).toEqual([])
      // The offline clip (Baseline) and two High-profile talking clips with AAC.
      expect(check.videos).toHaveLength(3)
      for (const video of check.videos) expect(video).toMatchObject({ error: null, readyState: expect.any(Number) })
      expect(check.videos.map((video) => video.readyState >= 2)).toEqual([true, true, true])
      expect(check.videos.map((video) => video.width)).toEqual([512, 256, 256])
      // 2 inputs, 1 still output, 3 strips of frames: every one loaded.
      expect(check.images.filter((image) => !image.strip)).toEqual([
        { complete: true, width: portraitWidth, strip: false },
        { complete: true, width: portraitWidth, strip: false },
        { complete: true, width: portraitWidth, strip: false },
      ])
      expect(check.images.filter((image) => image.strip).map((image) => image.complete && image.width > 0)).toEqual([true, true, true])
      // Every figure is present for every successful output.
      expect(check.cells.map((cell) => cell.target)).toEqual(['local/warp', 'fal/live-portrait-image', 'fal/sadtalker', 'magichour/talking-photo'])
      for (const cell of check.cells) {
        const expected = !cell.video ? STILL_FIGURES : cell.target === 'local/warp' ? VIDEO_FIGURES : TALKING_FIGURES
        expect({ target: cell.target, missing: expected.filter((figure) => !cell.filled.includes(figure)) }).toEqual({ target: cell.target, missing: [] })
      }
    })
  }
})
