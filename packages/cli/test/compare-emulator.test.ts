import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { startEmulator, type Emulator } from '@portrait-animator/emulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CliIo } from '../src/cli-io.js'
import { main } from '../src/main.js'
import type { ReportDocument, ReportResult } from '../src/report/report-document.js'
import { ROOT, SAMPLE } from './run-cli.test-helpers.js'

const HELLO = join(ROOT, 'examples', 'assets', 'hello.wav')

/** The figures a successful output must have filled, by kind. */
const STILL = ['width', 'height', 'identitySimilarity'] as const
const VIDEO = [...STILL, 'durationSeconds', 'fps', 'motionEnergy', 'motionSeries', 'decoder', 'strip', 'hasAudioTrack'] as const
const TALKING = [...VIDEO, 'audioSeconds', 'inputAudioSeconds', 'lipSyncOffsetMs'] as const

function missingFigures(result: ReportResult, figures: readonly string[]): string[] {
  const output = result.output as unknown as Record<string, unknown> | null
  return output === null ? ['output'] : figures.filter((figure) => output[figure] === null || output[figure] === undefined)
}

async function compare(args: string[], cwd: string): Promise<{ code: number; stderr: string; document: ReportDocument }> {
  let stderr = ''
  const sink = (append: (text: string) => void) => new Writable({ write: (chunk, _encoding, callback) => (append(String(chunk)), callback()) })
  const io: CliIo = { stdout: sink(() => {}), stderr: sink((text) => (stderr += text)), env: { FAL_KEY: 'fal-emulator-key', MAGIC_HOUR_API_KEY: 'mh-emulator-key', REPLICATE_API_TOKEN: 'r8_emulator_key' }, cwd, interrupt: new AbortController().signal }
  const code = await main(['compare', ...args, '--config', 'portrait-animator.json'], io)
  const out = args[args.indexOf('--out') + 1]!
  return { code, stderr, document: JSON.parse(await readFile(join(cwd, out, 'report.json'), 'utf8')) as ReportDocument }
}

describe('compare against the emulator: talking and expression targets side by side', () => {
  let emulator: Emulator
  let directory: string
  beforeAll(async () => {
    // Outputs shaped like the providers' real ones: High profile with B-frames, 25 fps, AAC for talking photos.
    emulator = await startEmulator({ seed: 16, jobDurationMs: 50, outputShape: 'provider' })
    directory = await mkdtemp(join(tmpdir(), 'compare-emulator-'))
    const config = {
      stateDir: join(directory, 'state'),
      providers: {
        fal: { adapter: 'fal', apiKey: 'env:FAL_KEY', baseUrl: emulator.baseUrl, settings: { allowPrivateNetwork: true } },
        magichour: { adapter: 'magichour', apiKey: 'env:MAGIC_HOUR_API_KEY', baseUrl: emulator.baseUrl, settings: { allowPrivateNetwork: true, pollIntervalMs: 25 } },
        replicate: { adapter: 'replicate', apiKey: 'env:REPLICATE_API_TOKEN', baseUrl: `${emulator.baseUrl}/v1`, settings: { allowPrivateNetwork: true, pollIntervalMs: 25, usdPerSecond: 0.5 } },
        local: { adapter: 'local' },
      },
      routes: { default: { strategy: 'fallback', targets: ['local/warp'] } },
    }
    await writeFile(join(directory, 'portrait-animator.json'), JSON.stringify(config))
  })
  afterAll(async () => {
    await emulator?.stop()
    if (directory) await rm(directory, { recursive: true, force: true })
  })

  it('--audio across fal/sadtalker and magichour/talking-photo: every figure filled, lip sync close to 0', async () => {
    const { code, stderr, document } = await compare([SAMPLE, '--audio', HELLO, '--start', '0', '--end', '4', '--targets', 'fal/sadtalker,magichour/talking-photo', '--out', 'talking'], directory)
    expect(code).toBe(0)
    expect(stderr).toMatch(/fal\/sadtalker: 1 ok, 0 failed/)
    expect(stderr).toMatch(/magichour\/talking-photo: 1 ok, 0 failed/)
    const results = document.images[0]!.results
    expect(results.map((result) => [result.target, result.ok])).toEqual([
      ['fal/sadtalker', true],
      ['magichour/talking-photo', true],
    ])
    for (const result of results) {
      expect({ target: result.target, missing: missingFigures(result, TALKING) }).toEqual({ target: result.target, missing: [] })
      expect(result.output).toMatchObject({ decoder: 'chromium', hasAudioTrack: true, fps: 25, inputAudioSeconds: 4 })
      expect(result.output!.identitySimilarity).toBeGreaterThan(0.6)
      expect(Math.abs(result.output!.lipSyncOffsetMs!)).toBeLessThanOrEqual(120)
    }
    expect(results[1]!.output!.audioSeconds).toBeCloseTo(4, 1)
  })

  it('--audio across every talking target: fal talking avatars filled like the others, priced from their duration', async () => {
    const targets = ['fal/sadtalker', 'fal/kling-avatar-v2-standard', 'fal/omnihuman-v1-5', 'magichour/talking-photo']
    const { code, stderr, document } = await compare([SAMPLE, '--audio', HELLO, '--targets', targets.join(','), '--out', 'all-talking'], directory)
    expect(code).toBe(0)
    const results = document.images[0]!.results
    expect(results.map((result) => [result.target, result.ok])).toEqual(targets.map((target) => [target, true]))
    for (const result of results) {
      expect(stderr).toContain(`${result.target}: 1 ok, 0 failed`)
      expect({ target: result.target, missing: missingFigures(result, TALKING) }).toEqual({ target: result.target, missing: [] })
      expect(result.output!.identitySimilarity).toBeGreaterThan(0.6)
      expect(Math.abs(result.output!.lipSyncOffsetMs!)).toBeLessThanOrEqual(120)
    }
    const usd = Object.fromEntries(results.map((result) => [result.target, result.cost?.usd ?? null]))
    // fal prices Kling AI Avatar v2 Standard at $0.0562/s and OmniHuman 1.5 at $0.16/s of output.
    expect(usd['fal/kling-avatar-v2-standard']).toBeCloseTo(results[1]!.output!.durationSeconds! * 0.0562, 1)
    expect(usd['fal/omnihuman-v1-5']).toBeCloseTo(results[2]!.output!.durationSeconds! * 0.16, 1)
    expect(usd['fal/sadtalker']).toBeNull()
  }, 240_000)

  it('--expression across fal/live-portrait-image and local/warp: every figure of a still filled', async () => {
    const { code, document } = await compare([SAMPLE, '--expression', 'smile=0.6,yaw=8', '--targets', 'fal/live-portrait-image,local/warp', '--out', 'expression'], directory)
    expect(code).toBe(0)
    expect(document.motion).toBe('expression smile=0.6, yaw=8')
    const results = document.images[0]!.results
    expect(results.map((result) => [result.target, result.ok, result.output?.mimeType])).toEqual([
      ['fal/live-portrait-image', true, 'image/jpeg'],
      ['local/warp', true, 'image/jpeg'],
    ])
    for (const result of results) {
      expect({ target: result.target, missing: missingFigures(result, STILL) }).toEqual({ target: result.target, missing: [] })
      expect(result.output!.identitySimilarity).toBeGreaterThan(0.6)
    }
  })

  it('--driving-video and a manifest mixing motions: every target gets its own kind of request', async () => {
    const faceVideo = join(ROOT, 'packages', 'emulator', 'fixtures', 'provider-shaped.mp4')
    await writeFile(join(directory, 'rows.jsonl'), [{ image: SAMPLE, 'driving-video': faceVideo }, { image: SAMPLE, audio: HELLO, start: 0, end: 2 }].map((row) => JSON.stringify(row)).join('\n'))
    const { code, document } = await compare(['--manifest', 'rows.jsonl', '--targets', 'fal/live-portrait,magichour/talking-photo', '--out', 'mixed'], directory)
    expect(code).toBe(0)
    expect(document.images.map((image) => image.motion)).toEqual(['driving video provider-shaped.mp4', 'audio hello.wav 0–2 s'])
    const [driven, talking] = document.images
    expect(driven!.results.map((result) => [result.target, result.ok])).toEqual([
      ['fal/live-portrait', true],
      ['magichour/talking-photo', false],
    ])
    expect(missingFigures(driven!.results[0]!, VIDEO)).toEqual([])
    expect(talking!.results.map((result) => [result.target, result.ok])).toEqual([
      ['fal/live-portrait', false],
      ['magichour/talking-photo', true],
    ])
    expect(talking!.results[1]!.output).toMatchObject({ inputAudioSeconds: 2, hasAudioTrack: true })
    expect(talking!.results[1]!.output!.audioSeconds).toBeCloseTo(2, 1)
  })

  it('--preset live-photo across fal/live-portrait and replicate/live-portrait: the same model on two hosts, every figure filled, Replicate with its estimated cost and time', async () => {
    const { code, stderr, document } = await compare([SAMPLE, '--preset', 'live-photo', '--targets', 'fal/live-portrait,replicate/live-portrait', '--out', 'live-portrait'], directory)
    expect(code).toBe(0)
    expect(stderr).toMatch(/replicate\/live-portrait: 1 ok, 0 failed, median [\d.]+ s, \$\d+\.\d{3}/)
    const results = document.images[0]!.results
    expect(results.map((result) => [result.target, result.ok])).toEqual([
      ['fal/live-portrait', true],
      ['replicate/live-portrait', true],
    ])
    for (const result of results) {
      expect({ target: result.target, missing: missingFigures(result, VIDEO) }).toEqual({ target: result.target, missing: [] })
      expect(result.output!.identitySimilarity).toBeGreaterThan(0.6)
      // Both drive the portrait with the bundled 3 s clip.
      expect(result.output!.durationSeconds).toBeCloseTo(3, 0)
      expect(result.warnings).toContainEqual(expect.objectContaining({ type: 'translated', setting: 'motion.preset' }))
    }
    // Priced from the prediction's metrics.predict_time (test price $0.5/s, so the emulator's short runs show).
    const replicate = results[1]!
    const seconds = (replicate.providerMetadata as { replicate: { predictTimeSeconds: number } }).replicate.predictTimeSeconds
    expect(replicate.cost).toEqual({ usd: expect.closeTo(seconds * 0.5, 6), credits: null, basis: 'estimated' })
    expect(replicate.cost!.usd).toBeGreaterThan(0)
    expect(replicate.durationMs).toBeGreaterThan(0)
    expect(replicate.providerMetadata).toMatchObject({ replicate: { predictionId: expect.any(String), predictTimeSeconds: expect.any(Number) } })
    expect(document.summary['replicate/live-portrait']).toMatchObject({ successes: 1, failures: 0, medianLatencyMs: expect.any(Number), totalUsd: Math.round(replicate.cost!.usd! * 10_000) / 10_000 })
  })

  it('the simple shape reuses the submitted portrait: same person, and its jaw follows the speech', async () => {
    await fetch(`${emulator.baseUrl}/__emulator/output-shape`, { method: 'POST', body: JSON.stringify({ shape: 'simple' }) })
    try {
      const { code, document } = await compare([SAMPLE, '--audio', HELLO, '--end', '4', '--targets', 'magichour/talking-photo', '--out', 'simple'], directory)
      expect(code).toBe(0)
      const output = document.images[0]!.results[0]!.output!
      expect(output).toMatchObject({ decoder: 'tinyh264', hasAudioTrack: false, audioSeconds: null, notes: { audioSeconds: 'the output has no audio track' } })
      expect(output.identitySimilarity).toBeGreaterThan(0.6)
      expect(Math.abs(output.lipSyncOffsetMs!)).toBeLessThanOrEqual(120)
    } finally {
      await fetch(`${emulator.baseUrl}/__emulator/output-shape`, { method: 'POST', body: JSON.stringify({ shape: 'provider' }) })
    }
  })
})
