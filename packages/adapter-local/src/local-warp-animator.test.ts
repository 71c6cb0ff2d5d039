import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ProgressEvent } from '@portrait-animator/core'
import sharp from 'sharp'
import { beforeAll, describe, expect, it } from 'vitest'
import { createLocal } from './create-local.js'
import { loadHumanRuntime } from './human-runtime.js'
import { ASTRONAUT_PATH, astronautBytes, gradientPng, smallFaceJpeg, twoFacesPng } from './local-test-images.test-helpers.js'
import { readMp4Summary } from '@portrait-animator/core'
import { expectAnimatorError } from '@portrait-animator/core/testing'

// These tests check the encoded files (MP4 boxes, WebP/JPEG headers); pixel-level motion checks on
// the renderer's raw frames live in render-frames.test.ts.
const animator = createLocal().warp()

beforeAll(async () => {
  await loadHumanRuntime()
})

describe('local/warp animate: live-photo', () => {
  it('renders the sample portrait to a 3 s, 24 fps, 512x512 H.264 MP4 and reports it honestly', async () => {
    const events: ProgressEvent[] = []
    const result = await animator.animate({ image: ASTRONAUT_PATH, motion: { type: 'preset', preset: 'live-photo' } }, { onProgress: (event) => events.push(event) })
    const bytes = await result.output.bytes()
    expect(readMp4Summary(bytes)).toEqual({ codec: 'avc1', width: 512, height: 512, frameCount: 72, durationSeconds: 3, fps: 24 })
    expect(result.output).toMatchObject({ kind: 'video', format: 'mp4', mimeType: 'video/mp4', width: 512, height: 512, durationSeconds: 3, fps: 24 })
    expect(result.servedBy).toEqual({ provider: 'local', modelId: 'warp', target: 'local/warp' })
    expect(result.attempts).toHaveLength(1)
    expect(result.attempts[0]).toMatchObject({ target: 'local/warp', outcome: 'succeeded', attempt: 1 })
    expect(result.cost).toMatchObject({ usd: 0, credits: 0, basis: 'charged' })
    expect(result.warnings).toEqual([])
    expect(result.providerMetadata.local).toMatchObject({ faces: 1, frames: 72, cached: false })
    const phases = events.map((event) => event.phase)
    expect(phases[0]).toBe('validating')
    expect(phases).toContain('rendering')
    expect(phases.indexOf('encoding')).toBeGreaterThan(phases.indexOf('rendering'))
    expect(phases.at(-1)).toBe('completed')
    expect(events.every((event) => event.target === 'local/warp' && (event.progress ?? 0) >= 0 && (event.progress ?? 0) <= 1)).toBe(true)
  })

  it('gives the same bytes for the same input', async () => {
    const request = { image: astronautBytes(), motion: { type: 'preset', preset: 'blink' } } as const
    const first = await (await animator.animate(request)).output.bytes()
    const second = await (await animator.animate(request)).output.bytes()
    expect(first.byteLength).toBeGreaterThan(1000)
    expect(Buffer.compare(first, second)).toBe(0)
  })

  it('writes an animated WebP on request', async () => {
    const result = await animator.animate({ image: ASTRONAUT_PATH, motion: { type: 'preset', preset: 'blink' }, output: { format: 'webp', maxSide: 256 } })
    const bytes = await result.output.bytes()
    expect(result.output).toMatchObject({ kind: 'video', format: 'webp', mimeType: 'image/webp', width: 256, height: 256, fps: 24 })
    const metadata = await sharp(bytes).metadata()
    expect(metadata).toMatchObject({ format: 'webp', width: 256, loop: 0 })
    // libwebp merges identical frames (the open eyes before and after the blink) into longer ones.
    expect(metadata.pages).toBeGreaterThan(4)
    expect(metadata.delay?.reduce((total, delay) => total + delay, 0)).toBe(24 * 42)
  })

  it('keeps the whole photo with full-body framing and crops head-and-shoulders with head framing', async () => {
    const photo = await smallFaceJpeg()
    const full = await animator.animate({ image: photo, motion: { type: 'preset', preset: 'blink', framing: 'full-body' } })
    expect(readMp4Summary(await full.output.bytes())).toMatchObject({ width: 512, height: 512, frameCount: 24 })
    const head = await animator.animate({ image: photo, motion: { type: 'preset', preset: 'blink', framing: 'head' } })
    const summary = readMp4Summary(await head.output.bytes())
    // About four face heights of a 1024 px photo whose face is ~72 px tall, kept square like the photo, not upscaled.
    expect(summary.width).toBe(summary.height)
    expect(summary.width).toBeGreaterThan(200)
    expect(summary.width).toBeLessThan(400)
  })

  it('animates the largest of several faces and says so', async () => {
    const result = await animator.animate({ image: await twoFacesPng(), motion: { type: 'preset', preset: 'smile', framing: 'full-body' }, output: { maxSide: 400 } })
    expect(result.providerMetadata.local).toMatchObject({ faces: 2 })
    const box = result.providerMetadata.local?.faceBox as { x: number; width: number }
    expect(box.x + box.width).toBeLessThan(260) // the big face on the left, in 400 px output
    expect(result.warnings).toContainEqual(expect.objectContaining({ type: 'face', message: expect.stringMatching(/2 faces/) }))
    expect(readMp4Summary(await result.output.bytes())).toMatchObject({ width: 400, height: 256 })
  })

  it('answers a repeated request from cacheDir with the same bytes', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'local-warp-cache-'))
    try {
      const cached = createLocal({ cacheDir, maxSide: 128 }).warp()
      const request = { image: ASTRONAUT_PATH, motion: { type: 'preset', preset: 'nod' } } as const
      const first = await cached.animate(request)
      const second = await cached.animate(request)
      expect(first.providerMetadata.local).toMatchObject({ cached: false })
      expect(second.providerMetadata.local).toMatchObject({ cached: true, faces: 1 })
      expect(Buffer.compare(await first.output.bytes(), await second.output.bytes())).toBe(0)
      expect(second.output).toMatchObject({ width: 128, height: 128, durationSeconds: 2 })
    } finally {
      await rm(cacheDir, { recursive: true, force: true })
    }
  })
})

describe('local/warp animate: expression stills', () => {
  it('renders a JPEG still the size of the photo and warns about what it cannot render', async () => {
    const result = await animator.animate({ image: ASTRONAUT_PATH, motion: { type: 'expression', smile: 0.8, yaw: 10, aaa: 0.5 } })
    const bytes = await result.output.bytes()
    expect(result.output).toMatchObject({ kind: 'image', format: 'jpeg', mimeType: 'image/jpeg', width: 512, height: 512 })
    expect(await sharp(bytes).metadata()).toMatchObject({ format: 'jpeg', width: 512, height: 512 })
    expect(result.warnings).toEqual([expect.objectContaining({ type: 'unsupported', setting: 'motion.aaa', provider: 'local' })])
  })

  it('writes PNG on request and clamps angles beyond what it renders', async () => {
    const result = await animator.animate({ image: ASTRONAUT_PATH, motion: { type: 'expression', pitch: 40 }, output: { format: 'png', maxSide: 200 } })
    expect(await sharp(await result.output.bytes()).metadata()).toMatchObject({ format: 'png', width: 200, height: 200 })
    expect(result.warnings).toEqual([expect.objectContaining({ type: 'clamped', setting: 'motion.pitch' })])
  })

  it('turns warnings into invalid_input errors in strict mode', async () => {
    const error = await expectAnimatorError(animator.animate({ image: ASTRONAUT_PATH, motion: { type: 'expression', smile: 0.5, woo: 1 }, strict: true }))
    expect(error).toMatchObject({ kind: 'invalid_input', field: 'motion.woo', rule: 'strict', provider: 'local' })
  })
})

describe('local/warp animate: failures', () => {
  it('fails with no_face on a photo without a face', async () => {
    const error = await expectAnimatorError(animator.animate({ image: await gradientPng(), motion: { type: 'preset', preset: 'live-photo' } }))
    expect(error).toMatchObject({ kind: 'no_face', provider: 'local', retryable: false })
  })

  it('moves the whole photo gently, with a warning, when asked to', async () => {
    const result = await animator.animate({
      image: await gradientPng(),
      motion: { type: 'preset', preset: 'blink' },
      providerOptions: { local: { noFace: 'whole-image' } },
    })
    expect(readMp4Summary(await result.output.bytes())).toMatchObject({ width: 320, height: 240, frameCount: 24 })
    expect(result.warnings).toContainEqual(expect.objectContaining({ type: 'face', message: expect.stringMatching(/No face/) }))
    expect(result.providerMetadata.local).toMatchObject({ faces: 0 })
  })

  it('fails with invalid_input on bytes that are not an image', async () => {
    const error = await expectAnimatorError(animator.animate({ image: new Uint8Array(2048).fill(7), motion: { type: 'preset', preset: 'live-photo' } }))
    expect(error).toMatchObject({ kind: 'invalid_input', field: 'image', rule: 'format' })
  })

  it('fails with invalid_input on a truncated image', async () => {
    const png = await sharp(ASTRONAUT_PATH).png().toBuffer()
    const error = await expectAnimatorError(animator.animate({ image: new Uint8Array(png.subarray(0, Math.floor(png.length / 3))), motion: { type: 'preset', preset: 'live-photo' } }))
    expect(error).toMatchObject({ kind: 'invalid_input', field: 'image' })
  })

  it('fails with invalid_input on a missing file and on motions it cannot render', async () => {
    expect(await expectAnimatorError(animator.animate({ image: '/nonexistent/face.png', motion: { type: 'preset', preset: 'nod' } }))).toMatchObject({
      kind: 'invalid_input',
      field: 'image',
    })
    const audio = await expectAnimatorError(animator.animate({ image: ASTRONAUT_PATH, motion: { type: 'audio', audio: 'hello.wav' } }))
    expect(audio).toMatchObject({ kind: 'invalid_input', field: 'motion.type' })
  })

  it('stops between frames when the caller aborts', async () => {
    const controller = new AbortController()
    const frames: number[] = []
    const error = await expectAnimatorError(
      animator.animate(
        { image: ASTRONAUT_PATH, motion: { type: 'preset', preset: 'live-photo' } },
        {
          signal: controller.signal,
          onProgress: (event) => {
            if (event.phase !== 'rendering') return
            frames.push(event.progress ?? 0)
            if (frames.length === 5) controller.abort()
          },
        },
      ),
    )
    expect(error.kind).toBe('cancelled')
    expect(frames.length).toBeLessThan(8)
  })

  it('fails with timeout past timeoutMs', async () => {
    const error = await expectAnimatorError(animator.animate({ image: ASTRONAUT_PATH, motion: { type: 'preset', preset: 'live-photo' } }, { timeoutMs: 1 }))
    expect(error.kind).toBe('timeout')
  })
})
