import { spawnSync } from 'node:child_process'
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkOutputIntegrity, readMp4Summary } from '@portrait-animator/core'
import { waitUntil } from '@portrait-animator/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClipEncoder, type ClipEncoder } from './encoder-choice.js'
import { readSpsSignal } from './h264-sps.js'
import { createNativeMp4Encoder } from './native-encoder.js'

// CI installs Debian's ffmpeg (.ci/run); without it the native-path tests are skipped, the fallback ones still run.
const hasFfmpeg = spawnSync('ffmpeg', ['-hide_banner', '-version'], { stdio: 'ignore' }).status === 0
let folder: string

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'encoder-choice-'))
})
afterAll(async () => {
  await rm(folder, { recursive: true, force: true })
})

/** A moving gradient, `frames` frames of 128x96 RGBA. */
async function encodeClip(encoder: ClipEncoder, frames = 24): Promise<Uint8Array> {
  const width = 128
  const frame = new Uint8Array(width * 96 * 4)
  for (let index = 0; index < frames; index++) {
    for (let offset = 0; offset < frame.length; offset += 4) {
      const pixel = offset / 4
      frame[offset] = (pixel % width) * 2 + index * 5
      frame[offset + 1] = Math.floor(pixel / width) * 2
      frame[offset + 2] = 128
      frame[offset + 3] = 255
    }
    await encoder.addFrame(frame)
  }
  return encoder.finish()
}

/** Profile, level and the colour signal of the stream's SPS, and its keyframes. */
function streamFacts(bytes: Uint8Array) {
  const buffer = Buffer.from(bytes)
  const avcc = buffer.indexOf('avcC') + 4
  const spsLength = (bytes[avcc + 6]! << 8) | bytes[avcc + 7]!
  const stss = buffer.indexOf('stss')
  const view = new DataView(bytes.buffer, bytes.byteOffset)
  return {
    profile: bytes[avcc + 1],
    level: bytes[avcc + 3],
    signal: readSpsSignal(bytes.subarray(avcc + 8, avcc + 8 + spsLength)),
    keyframes: Array.from({ length: view.getUint32(stss + 8) }, (_, index) => view.getUint32(stss + 12 + index * 4)),
    faststart: buffer.indexOf('moov') < buffer.indexOf('mdat'),
  }
}

/** Frames ffmpeg decodes from the file (a real decoder, not only the boxes). */
function decodedFrames(bytes: Uint8Array, name: string): Promise<number> {
  const path = join(folder, name)
  return writeFile(path, bytes).then(() => {
    const run = spawnSync('ffmpeg', ['-v', 'error', '-i', path, '-f', 'framemd5', '-'], { encoding: 'utf8' })
    expect(run.stderr).toBe('')
    return run.stdout.split('\n').filter((line) => /^0,/.test(line)).length
  })
}

describe('H.264 encoder choice', () => {
  it.skipIf(!hasFfmpeg)('writes the same kind of clip with ffmpeg as with the WebAssembly encoder', async () => {
    const native = await createClipEncoder({ width: 128, height: 96, fps: 24, preference: 'auto' })
    const wasm = await createClipEncoder({ width: 128, height: 96, fps: 24, preference: 'wasm' })
    expect([native.name, wasm.name]).toEqual(['ffmpeg-libx264', 'wasm-h264'])
    expect(native.warnings).toEqual([])
    const nativeBytes = await encodeClip(native)
    const wasmBytes = await encodeClip(wasm)
    for (const bytes of [nativeBytes, wasmBytes]) {
      expect(await checkOutputIntegrity(bytes, { format: 'mp4' })).toBeUndefined()
      expect(readMp4Summary(bytes)).toEqual({ codec: 'avc1', width: 128, height: 96, frameCount: 24, durationSeconds: 1, fps: 24 })
    }
    // Baseline profile, the same level, limited-range BT.601, one keyframe, moov after mdat, on both paths.
    expect(streamFacts(nativeBytes)).toEqual(streamFacts(wasmBytes))
    expect(streamFacts(nativeBytes)).toMatchObject({ profile: 66, keyframes: [1], signal: { fullRange: false, matrix: 6 } })
    expect(await decodedFrames(nativeBytes, 'native.mp4')).toBe(24)
    expect(await decodedFrames(wasmBytes, 'wasm.mp4')).toBe(24)
    // Deterministic like the wasm path: the same frames give the same bytes.
    expect(Buffer.compare(nativeBytes, await encodeClip(await createClipEncoder({ width: 128, height: 96, fps: 24 })))).toBe(0)
  })

  it('uses the WebAssembly encoder without a warning when there is no ffmpeg (the ordinary case)', async () => {
    const encoder = await createClipEncoder({ width: 128, height: 96, fps: 24, ffmpegPath: join(folder, 'no-such-ffmpeg') })
    expect(encoder.name).toBe('wasm-h264')
    expect(encoder.warnings).toEqual([])
    expect(readMp4Summary(await encodeClip(encoder, 4)).frameCount).toBe(4)
  })

  it('falls back to the WebAssembly encoder with a warning when ffmpeg is broken', async () => {
    const broken = join(folder, 'broken-ffmpeg')
    await writeFile(broken, '#!/bin/sh\necho "Unknown encoder libx264" >&2\nexit 1\n')
    await chmod(broken, 0o755)
    const encoder = await createClipEncoder({ width: 128, height: 96, fps: 24, ffmpegPath: broken })
    expect(encoder.name).toBe('wasm-h264')
    expect(encoder.warnings[0]?.message).toMatch(/failed its check.*Unknown encoder libx264/)
    encoder.dispose()
  })

  it('uses the WebAssembly encoder when asked to, without a warning', async () => {
    const encoder = await createClipEncoder({ width: 128, height: 96, fps: 24, preference: 'wasm', ffmpegPath: join(folder, 'no-such-ffmpeg') })
    expect(encoder).toMatchObject({ name: 'wasm-h264', warnings: [] })
    encoder.dispose()
  })

  it.skipIf(!hasFfmpeg)('kills ffmpeg when the clip is abandoned, leaving no process behind', async () => {
    const encoder = await createNativeMp4Encoder({ width: 128, height: 96, fps: 24, ffmpegPath: 'ffmpeg' })
    await encoder.addFrame(new Uint8Array(128 * 96 * 4))
    const pid = encoder.pid
    expect(pid).toBeGreaterThan(0)
    encoder.dispose()
    // Gone and reaped: a zombie would still answer signal 0.
    await waitUntil(() => {
      try {
        process.kill(pid!, 0)
        return false
      } catch (error) {
        return (error as NodeJS.ErrnoException).code === 'ESRCH'
      }
    }, { what: 'ffmpeg to exit' })
    expect(encoder.pid).toBeUndefined()
  })
})
