import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTestPortrait, createTestWav, startEmulator, type Emulator } from '@portrait-animator/emulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AnimationRequest, ErrorKind, RouterConfig } from '@portrait-animator/core'
import { createRouter, type Router, type RouterCallOptions } from '../src/index.js'
import { bmpBytes, cutJpegScan, flacBytes, gifBytes, jpegBytes, mp4Bytes, oggBytes, pngBytes, wavBytes, webmBytes, webpLossyBytes } from '../../core/src/media/test-fixtures.test-helpers.js'
import { expectAnimatorError } from '@portrait-animator/core/testing'

/**
 * Bad inputs of every kind (images, audio, video, URLs, request shapes, expression values, call
 * options, route names) through the router, against the emulator speaking for every paid
 * provider: each must be a typed error naming its field and rule, and none may reach a provider's
 * ledger (no submission, no charge).
 */

interface BadInput {
  readonly name: string
  readonly request: () => unknown
  readonly options?: RouterCallOptions | (() => unknown)
  readonly kind?: ErrorKind
  readonly field: string
  readonly rule: string
}

let emulator: Emulator
let router: Router
let folder = ''
let portrait: Uint8Array
let cutJpeg: Uint8Array
let hugePng: Uint8Array

const preset = { type: 'preset', preset: 'live-photo' } as const
const image = () => portrait
const speech = (audio: unknown, extra: Record<string, unknown> = {}) => ({ image: portrait, motion: { type: 'audio', audio, ...extra } })
const driving = (video: unknown) => ({ image: portrait, motion: { type: 'driving-video', video } })
const expression = (controls: Record<string, unknown>) => ({ image: portrait, motion: { type: 'expression', ...controls } })

const cases: readonly BadInput[] = [
  // images whose headers are intact but whose pixels are not
  { name: 'a PNG whose pixel data stops at row 100 of 512', request: () => ({ image: pngBytes(512, 512, { rows: 100 }), motion: preset }), field: 'image', rule: 'corrupt' },
  { name: 'a PNG whose zlib stream is cut mid-way', request: () => ({ image: pngBytes(512, 512, { rows: 300, endStream: false }), motion: preset }), field: 'image', rule: 'corrupt' },
  { name: 'a JPEG whose scan is cut short, EOI appended', request: () => ({ image: cutJpeg, motion: preset }), field: 'image', rule: 'corrupt' },
  { name: 'a GIF with a screen but no image', request: () => ({ image: gifBytes(256, 256), motion: preset }), field: 'image', rule: 'corrupt' },
  // images of a size no target can use
  { name: 'a valid 16000x16000 PNG', request: () => ({ image: hugePng, motion: preset }), field: 'image', rule: 'max-pixels' },
  { name: 'a 60000x60000 PNG header', request: () => ({ image: pngBytes(60_000, 60_000, { rows: 0 }), motion: preset }), field: 'image', rule: 'max-pixels' },
  { name: 'a 60000x60000 BMP header', request: () => ({ image: bmpBytes(60_000, 60_000), motion: preset }), field: 'image', rule: 'max-pixels' },
  { name: 'a 1x1 PNG', request: () => ({ image: pngBytes(1, 1), motion: preset }), field: 'image', rule: 'min-width' },
  { name: 'a 10000x50 strip (fal)', request: () => ({ image: pngBytes(10_000, 50), motion: preset }), options: { route: 'fal' }, field: 'image', rule: 'min-height' },
  { name: 'a 10000x100 strip (fal)', request: () => ({ image: pngBytes(10_000, 100), motion: preset }), options: { route: 'fal' }, field: 'image', rule: 'max-aspect-ratio' },
  { name: 'a 100x2000 strip (Magic Hour)', request: () => ({ image: pngBytes(100, 2000), motion: preset }), options: { route: 'magichour' }, field: 'image', rule: 'max-aspect-ratio' },
  { name: 'a JPEG declaring 0 px wide', request: () => ({ image: jpegBytes(0, 64), motion: preset }), field: 'image', rule: 'min-width' },
  // images that are cut short or not images
  { name: 'a PNG cut inside its header', request: () => ({ image: pngBytes(64, 64).subarray(0, 20), motion: preset }), field: 'image', rule: 'truncated' },
  { name: 'a PNG without its IEND chunk', request: () => { const png = pngBytes(64, 64); return { image: png.subarray(0, png.length - 12), motion: preset } }, field: 'image', rule: 'truncated' },
  { name: 'a JPEG without its end marker', request: () => ({ image: jpegBytes(64, 64, { omitEnd: true }), motion: preset }), field: 'image', rule: 'truncated' },
  { name: 'a WebP shorter than its RIFF size', request: () => ({ image: webpLossyBytes(64, 64).subarray(0, 34), motion: preset }), field: 'image', rule: 'truncated' },
  { name: 'an empty file', request: () => ({ image: new Uint8Array(0), motion: preset }), field: 'image', rule: 'empty' },
  { name: 'an HTML page named .jpg', request: () => ({ image: join(folder, 'page.jpg'), motion: preset }), field: 'image', rule: 'not-media' },
  { name: 'a WAV given as the portrait', request: () => ({ image: createTestWav(1), motion: preset }), field: 'image', rule: 'format' },
  { name: 'random bytes', request: () => ({ image: Uint8Array.from({ length: 512 }, (_, index) => (index * 7919) % 251), motion: preset }), field: 'image', rule: 'format' },
  { name: 'a number as the image', request: () => ({ image: 42, motion: preset }), field: 'image', rule: 'input-type' },
  { name: 'a path that does not exist', request: () => ({ image: join(folder, 'missing.png'), motion: preset }), field: 'image', rule: 'not-found' },
  { name: 'a directory as the image', request: () => ({ image: folder, motion: preset }), field: 'image', rule: 'not-found' },
  // URLs and data URIs
  { name: 'a data: URI with invalid base64', request: () => ({ image: 'data:image/png;base64,@@@', motion: preset }), field: 'image', rule: 'data-uri' },
  { name: 'a file: URL', request: () => ({ image: 'file:///etc/passwd', motion: preset }), field: 'image', rule: 'url-scheme' },
  { name: 'a javascript: URL', request: () => ({ image: 'javascript:alert(1)', motion: preset }), field: 'image', rule: 'url-scheme' },
  { name: 'a loopback URL', request: () => ({ image: 'http://127.0.0.1:9/portrait.png', motion: preset }), field: 'image', rule: 'private-address' },
  { name: 'the cloud metadata URL', request: () => ({ image: 'http://169.254.169.254/latest/meta-data/', motion: preset }), field: 'image', rule: 'private-address' },
  { name: 'audio on a private network URL', request: () => speech('http://10.1.2.3/voice.wav'), field: 'motion.audio', rule: 'private-address' },
  // audio that cannot play, or holds nothing
  { name: 'a WAV declaring 0 Hz', request: () => speech(wavBytes({ seconds: 2, declaredSampleRate: 0 })), field: 'motion.audio', rule: 'corrupt' },
  { name: 'a WAV declaring a byte rate of 0', request: () => speech(wavBytes({ seconds: 2, declaredByteRate: 0 })), field: 'motion.audio', rule: 'corrupt' },
  { name: 'a header-only WAV at 0 Hz', request: () => speech(createTestWav(1, 0)), field: 'motion.audio', rule: 'corrupt' },
  { name: 'a header-only 0-second WAV', request: () => speech(createTestWav(0)), field: 'motion.audio', rule: 'min-duration' },
  { name: 'an Ogg Opus stream of 0 samples', request: () => speech(oggBytes('opus', 0)), field: 'motion.audio', rule: 'min-duration' },
  { name: 'a FLAC declaring 0 Hz', request: () => speech(flacBytes(0, 44_100)), field: 'motion.audio', rule: 'corrupt' },
  { name: 'a WAV shorter than its data chunk', request: () => { const wav = createTestWav(1); return speech(wav.subarray(0, wav.length - 400)) }, field: 'motion.audio', rule: 'truncated' },
  { name: 'a PNG given as the audio', request: () => speech(pngBytes(64, 64)), field: 'motion.audio', rule: 'format' },
  { name: 'no audio at all', request: () => speech(undefined), field: 'motion.audio', rule: 'required' },
  { name: 'startSeconds as text', request: () => speech(createTestWav(1), { startSeconds: 'zero' }), field: 'motion.startSeconds', rule: 'type' },
  { name: 'endSeconds NaN', request: () => speech(createTestWav(1), { endSeconds: Number.NaN }), field: 'motion.endSeconds', rule: 'type' },
  // driving videos
  { name: 'an MP4 shorter than its mdat box', request: () => driving(mp4Bytes({ seconds: 2, mdatBytes: 16, declaredMdatBytes: 100_000 })), field: 'motion.video', rule: 'truncated' },
  { name: 'a Matroska file as the driving video', request: () => driving(webmBytes({ seconds: 1, width: 64, height: 64, docType: 'matroska' })), field: 'motion.video', rule: 'format' },
  { name: 'a WAV as the driving video', request: () => driving(createTestWav(1)), field: 'motion.video', rule: 'format' },
  { name: 'a driving video of 16x16 px', request: () => driving(mp4Bytes({ seconds: 2, width: 16, height: 16 })), field: 'motion.video', rule: 'min-width' },
  { name: 'no driving video', request: () => driving(null), field: 'motion.video', rule: 'required' },
  // request shapes
  { name: 'a null request', request: () => null, field: 'request', rule: 'required' },
  { name: 'a string as the request', request: () => 'portrait.png', field: 'request', rule: 'type' },
  { name: 'a request without motion', request: () => ({ image: portrait }), field: 'motion', rule: 'required' },
  { name: 'a request without image', request: () => ({ motion: preset }), field: 'image', rule: 'required' },
  { name: 'motion as an array', request: () => ({ image: portrait, motion: [preset] }), field: 'motion', rule: 'type' },
  { name: 'an unknown motion type', request: () => ({ image: portrait, motion: { type: 'dance' } }), field: 'motion.type', rule: 'unknown-value' },
  { name: 'an unknown preset', request: () => ({ image: portrait, motion: { type: 'preset', preset: 'moonwalk' } }), field: 'motion.preset', rule: 'unknown-value' },
  { name: 'an unknown framing', request: () => ({ image: portrait, motion: { ...preset, framing: 'waist' } }), field: 'motion.framing', rule: 'unknown-value' },
  { name: 'an output format nobody makes', request: () => ({ image: portrait, motion: preset, output: { format: 'gif' } }), field: 'output.format', rule: 'unknown-value' },
  { name: 'a negative output size', request: () => ({ image: portrait, motion: preset, output: { maxSide: -5 } }), field: 'output.maxSide', rule: 'range' },
  { name: 'strict as text', request: () => ({ image: portrait, motion: preset, strict: 'yes' }), field: 'strict', rule: 'type' },
  { name: 'providerOptions as text', request: () => ({ image: portrait, motion: preset, providerOptions: 'fal' }), field: 'providerOptions', rule: 'type' },
  // expression values
  { name: 'a misspelt expression control', request: () => expression({ smiel: 0.5 }), field: 'motion.smiel', rule: 'unknown-control' },
  { name: 'an expression value as text', request: () => expression({ smile: 'big' }), field: 'motion.smile', rule: 'type' },
  { name: 'an infinite head turn', request: () => expression({ yaw: Number.POSITIVE_INFINITY }), field: 'motion.yaw', rule: 'type' },
  // call options and route names
  { name: 'timeoutMs -1', request: () => ({ image: image(), motion: preset }), options: { timeoutMs: -1 }, field: 'timeoutMs', rule: 'range' },
  { name: 'timeoutMs NaN', request: () => ({ image: image(), motion: preset }), options: { timeoutMs: Number.NaN }, field: 'timeoutMs', rule: 'range' },
  { name: 'timeoutMs Infinity', request: () => ({ image: image(), motion: preset }), options: { timeoutMs: Number.POSITIVE_INFINITY }, field: 'timeoutMs', rule: 'range' },
  { name: 'timeoutMs as text', request: () => ({ image: image(), motion: preset }), options: () => ({ timeoutMs: '1000' }), field: 'timeoutMs', rule: 'range' },
  { name: 'a signal that is not an AbortSignal', request: () => ({ image: image(), motion: preset }), options: () => ({ signal: { aborted: false } }), field: 'signal', rule: 'type' },
  { name: 'the route "constructor"', request: () => ({ image: image(), motion: preset }), options: { route: 'constructor' }, kind: 'invalid_config', field: 'route', rule: 'unknown-route' },
  { name: 'the route "__proto__"', request: () => ({ image: image(), motion: preset }), options: { route: '__proto__' }, kind: 'invalid_config', field: 'route', rule: 'unknown-route' },
  { name: 'the route "toString"', request: () => ({ image: image(), motion: preset }), options: { route: 'toString' }, kind: 'invalid_config', field: 'route', rule: 'unknown-route' },
]

beforeAll(async () => {
  emulator = await startEmulator({ seed: 19, jobDurationMs: 50 })
  folder = await mkdtemp(join(tmpdir(), 'pa-bad-inputs-'))
  await writeFile(join(folder, 'page.jpg'), '<!DOCTYPE html><html><body>Sign in to see this photo</body></html>')
  await mkdir(join(folder, 'state'))
  portrait = new Uint8Array(await createTestPortrait())
  cutJpeg = cutJpegScan(new Uint8Array(await createTestPortrait({ format: 'jpeg', width: 512, height: 512 })))
  hugePng = pngBytes(16_000, 16_000)
  const baseUrl = emulator.baseUrl
  const config: RouterConfig = {
    providers: {
      ailab: { adapter: 'ailab', apiKey: 'bad-inputs-ailab-key', baseUrl },
      fal: { adapter: 'fal', apiKey: 'bad-inputs-id:bad-inputs-secret', baseUrl },
      magichour: { adapter: 'magichour', apiKey: 'bad-inputs-magichour-key', baseUrl, settings: { pollIntervalMs: 50 } },
    },
    routes: {
      default: { strategy: 'fallback', targets: ['ailab/live-photo', 'fal/live-portrait', 'magichour/image-to-video'] },
      fal: { strategy: 'fallback', targets: ['fal/live-portrait'] },
      magichour: { strategy: 'fallback', targets: ['magichour/image-to-video'] },
      expression: { strategy: 'fallback', targets: ['fal/live-portrait-image'] },
      audio: { strategy: 'fallback', targets: ['magichour/talking-photo', 'fal/sadtalker'] },
      video: { strategy: 'fallback', targets: ['fal/live-portrait'] },
    },
    motionRoutes: { expression: 'expression', audio: 'audio', 'driving-video': 'video' },
    retry: { maxAttempts: 1 },
    stateDir: join(folder, 'state'),
  }
  router = await createRouter(config)
}, 120_000)

afterAll(async () => {
  await emulator?.stop()
  if (folder) await rm(folder, { recursive: true, force: true })
})

describe(`${cases.length} bad inputs through the router, against the emulator`, () => {
  const outcomes: Array<{ readonly name: string; readonly refusedBeforeAnyCall: boolean }> = []

  it.each(cases)('$name: $field, rule $rule', async (bad) => {
    const ledgerBefore = emulator.ledger.entries().length
    const options = typeof bad.options === 'function' ? bad.options() : bad.options
    const error = await expectAnimatorError(router.animate(bad.request() as AnimationRequest, options as RouterCallOptions))
    expect(error).toMatchObject({ kind: bad.kind ?? 'invalid_input', field: bad.field, rule: bad.rule })
    expect(error.message).toContain(bad.field === 'route' ? 'route' : bad.field)
    // Refused before any call: no target was called (only skips), and nothing reached a ledger.
    const called = (error.attempts ?? []).filter((attempt) => attempt.outcome !== 'skipped')
    expect(called).toEqual([])
    expect(emulator.ledger.entries().length).toBe(ledgerBefore)
    outcomes.push({ name: bad.name, refusedBeforeAnyCall: called.length === 0 })
  })

  it('tried them all, refused every one before any call, and nothing was submitted or charged', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40)
    expect(outcomes.filter((outcome) => outcome.refusedBeforeAnyCall)).toHaveLength(cases.length)
    expect(emulator.ledger.submissions()).toEqual([])
    expect(emulator.ledger.charges()).toEqual([])
  })
})
