import { spawnSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_H264_SETTINGS, WASM_QUANTIZER } from './h264-settings.js'
import { addRounding, createKeyframeRounding } from './loop-closure.js'
import { createMp4Encoder } from './mp4-encoder.js'
import { rgbaToI420 } from './rgba-to-i420.js'

// ffmpeg decodes the clip as a player would (CI installs Debian's); without it these are skipped.
const hasFfmpeg = spawnSync('ffmpeg', ['-hide_banner', '-version'], { stdio: 'ignore' }).status === 0
// Not a multiple of 16 high: the decoder's picture is taller than the frame and must be cropped.
const WIDTH = 64
const HEIGHT = 38
let folder: string

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'loop-closure-'))
})
afterAll(async () => {
  await rm(folder, { recursive: true, force: true })
})

/** A noisy gradient (fixed pseudo-random noise): detail the quantiser cannot keep exactly. */
function noisyFrame(): Uint8Array {
  const frame = new Uint8Array(WIDTH * HEIGHT * 4)
  let seed = 7
  for (let offset = 0; offset < frame.length; offset += 4) {
    seed = (seed * 1103515245 + 12345) >>> 0
    const noise = (seed >>> 24) % 9
    frame[offset] = 40 + ((offset / 4) % WIDTH) + noise
    frame[offset + 1] = 30 + Math.floor(offset / 4 / WIDTH) + noise
    frame[offset + 2] = 90 - noise
    frame[offset + 3] = 255
  }
  return frame
}

describe('the keyframe rounding the WebAssembly clips loop onto', () => {
  it.skipIf(!hasFfmpeg)('is what a player shows for the clip first frame, minus that frame', async () => {
    const rgba = noisyFrame()
    const i420 = rgbaToI420(rgba, WIDTH, HEIGHT, 'limited', new Uint8Array((WIDTH * HEIGHT * 3) / 2))
    const rounding = (await createKeyframeRounding({ width: WIDTH, height: HEIGHT, fps: 24 }, { ...DEFAULT_H264_SETTINGS, quantizer: WASM_QUANTIZER })).of(i420)
    expect(rounding).toBeDefined()
    // The clip's own encoder, two frames (the first is its keyframe), decoded by ffmpeg.
    const encoder = await createMp4Encoder({ width: WIDTH, height: HEIGHT, fps: 24 })
    encoder.addFrame(rgba)
    encoder.addFrame(rgba)
    const path = join(folder, 'clip.mp4')
    await writeFile(path, encoder.finish())
    const run = spawnSync('ffmpeg', ['-v', 'error', '-i', path, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-'])
    expect(run.stderr.toString()).toBe('')
    const shown = new Uint8Array(run.stdout)
    expect(shown).toHaveLength(i420.length)
    const rounded = addRounding(i420, rounding!, new Uint8Array(i420.length), WIDTH, HEIGHT)
    expect(Buffer.from(rounded).equals(Buffer.from(shown))).toBe(true)
    // The frame has detail the quantiser rounds: the rounding is not all zero, and small.
    expect(rounding!.some((value) => value !== 0)).toBe(true)
    expect(Math.max(...rounding!.map(Math.abs))).toBeLessThan(16)
  }, 60_000)
})
