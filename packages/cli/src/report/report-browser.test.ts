import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL, fileURLToPath } from 'node:url'
import { PortraitAnimatorError, probeMedia, type AnimationRequest, type CompareEntry } from '@portrait-animator/core'
import { createScriptedAnimator } from '@portrait-animator/core/testing'
import { chromium, type BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ComparisonReport } from './comparison-report.js'
import { encodeTestClip, squareFrame } from './test-clips.test-helpers.js'

/** Debian's chromium (`apt-get install chromium`; `.ci/run` installs it). */
const CHROMIUM = '/usr/bin/chromium'
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
const ASTRONAUT = fileURLToPath(new URL('../../../../examples/assets/astronaut.png', import.meta.url))

// Skipped only on a developer machine without chromium; in CI (CI set) a missing browser fails the test.
const skip = !existsSync(CHROMIUM) && !process.env.CI
if (skip) console.warn(`Skipping the report's browser test: ${CHROMIUM} is missing. Install it with "apt-get install -y chromium" (CI installs it and never skips).`)

async function fakeEntry(target: string, bytes: Uint8Array, format: 'mp4' | 'png'): Promise<CompareEntry> {
  const [provider, modelId] = target.split('/') as [string, string]
  const animator = createScriptedAnimator({ provider, modelId, script: [{ type: 'succeed', bytes, warnings: [{ type: 'translated', message: 'served through a driving clip <b>' }] }] })
  const request: AnimationRequest = { image: new Uint8Array([1]), motion: { type: 'preset', preset: 'live-photo' }, output: { format, kind: format === 'mp4' ? 'video' : 'image' } }
  return { target, ok: true, result: await animator.animate(request), durationMs: 1800 }
}

interface PageCheck {
  readonly problems: string[]
  readonly videos: { readyState: number; error: string | null; width: number }[]
  readonly images: { complete: boolean; width: number }[]
}

describe.skipIf(skip)('the comparison report in headless Chromium', () => {
  let directory: string
  let context: BrowserContext
  let portraitWidth: number

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'report-browser-'))
    const portrait = await readFile(ASTRONAUT)
    portraitWidth = probeMedia(portrait).width!
    // Real H.264: an even size and one that is not a whole number of macroblocks (cropped on decode).
    const small = await encodeTestClip({ width: 64, height: 48, frames: 12, draw: (index) => squareFrame(64, 48, index * 4) })
    const odd = await encodeTestClip({ width: 100, height: 60, frames: 12, draw: (index) => squareFrame(100, 60, index * 7, 20) })
    for (const inline of [false, true]) {
      const report = new ComparisonReport({ directory: join(directory, inline ? 'inline' : 'folder'), targets: ['fake/small', 'fake/odd', 'fake/still', 'fal/live-portrait'], motion: 'preset live-photo', identity: false, inline })
      for (const name of ['astronaut.png', 'second.png']) {
        const entries = [
          await fakeEntry('fake/small', small, 'mp4'),
          await fakeEntry('fake/odd', odd, 'mp4'),
          await fakeEntry('fake/still', portrait, 'png'),
          { target: 'fal/live-portrait', ok: false, error: new PortraitAnimatorError({ kind: 'unsupported', message: 'fal/live-portrait was skipped: not configured: <FAL_KEY> is not set' }), durationMs: 0 },
        ]
        await report.addImage(`examples/${name}`, { bytes: portrait, fileName: name, mimeType: 'image/png', width: portraitWidth, height: portraitWidth }, entries)
      }
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
      const images = await page.$$eval('img', (elements) => elements.map((image) => ({ complete: image.complete, width: image.naturalWidth })))
      return { problems, videos, images }
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
      // 2 images x 2 video targets; 2 inputs + 2 still outputs.
      expect(check.videos).toHaveLength(4)
      for (const video of check.videos) expect(video).toMatchObject({ error: null, readyState: expect.any(Number) })
      expect(check.videos.map((video) => video.readyState >= 2)).toEqual([true, true, true, true])
      expect(check.videos.map((video) => video.width)).toEqual([64, 100, 64, 100])
      expect(check.images).toHaveLength(4)
      for (const image of check.images) expect(image).toEqual({ complete: true, width: portraitWidth })
    }, 120_000)
  }
})
