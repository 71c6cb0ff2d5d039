import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { probeMedia } from '@portrait-animator/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CliIo } from '../cli-io.js'
import { main } from '../main.js'
import { findChromium } from '../report/find-chromium.js'
import { encodeTestClip, squareFrame } from '../report/test-clips.test-helpers.js'

const ASTRONAUT = fileURLToPath(new URL('../../../../examples/assets/astronaut.png', import.meta.url))
const HELLO = fileURLToPath(new URL('../../../../examples/assets/hello.wav', import.meta.url))
/** 4 s of the sample portrait talking: H.264 High profile with B-frames, 25 fps, AAC (packages/emulator/fixtures/NOTICE.md). */
const HIGH_PROFILE_CLIP = fileURLToPath(new URL('../../../emulator/fixtures/provider-shaped.mp4', import.meta.url))
const noChromium = findChromium() === undefined && !process.env.CI

async function measure(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const sink = (append: (text: string) => void) => new Writable({ write: (chunk, _encoding, callback) => (append(String(chunk)), callback()) })
  const io: CliIo = { stdout: sink((text) => (stdout += text)), stderr: sink((text) => (stderr += text)), env: {}, cwd, interrupt: new AbortController().signal }
  const code = await main(['measure', ...args], io)
  return { code, stdout, stderr }
}

describe('portrait-animator measure', () => {
  let directory: string
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'measure-command-'))
    await writeFile(join(directory, 'squares.mp4'), await encodeTestClip({ width: 64, height: 48, frames: 12, draw: (index) => squareFrame(64, 48, index * 4) }))
    await writeFile(join(directory, 'notes.txt'), 'not a video at all')
  })
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true })
  })

  it.skipIf(noChromium)('measures a High-profile talking clip made elsewhere: motion, identity, audio and lip sync (--json)', async () => {
    const run = await measure([HIGH_PROFILE_CLIP, '--reference', ASTRONAUT, '--audio', HELLO, '--end', '4', '--json'], directory)
    expect(run.code).toBe(0)
    const figures = JSON.parse(run.stdout)
    expect(figures).toMatchObject({ file: HIGH_PROFILE_CLIP, width: 256, height: 256, fps: 25, decoder: 'chromium', hasAudioTrack: true, inputAudioSeconds: 4, strip: null })
    expect(figures.codec).toMatch(/^avc1\.64/)
    expect(figures.motionEnergy).toBeGreaterThan(0.05)
    expect(figures.identitySimilarity).toBeGreaterThan(0.6)
    expect(Math.abs(figures.lipSyncOffsetMs)).toBeLessThanOrEqual(80)
    expect(figures.notes).toEqual({})
  })

  it('prints one line per figure, a dash and the reason for what it cannot measure, and writes a strip of frames', async () => {
    const run = await measure(['squares.mp4', '--strip', 'frames.jpg'], directory)
    expect(run.code).toBe(0)
    const lines = run.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^squares\.mp4: 64x48, 1\.00 s, 12 fps, [\d.]+ KB, avc1\.42\w+, decoded by tinyh264$/)
    expect(lines[1]).toMatch(/^ {2}motion energy +\d+\.\d{3} +mean grey-level change/)
    expect(lines[2]).toMatch(/^ {2}identity +— +no --reference portrait was given$/)
    expect(lines[3]).toMatch(/^ {2}audio +none +the clip's audio track$/)
    // Not audio-driven: no input-audio or lip-sync lines.
    expect(run.stdout).not.toMatch(/lip sync/)
    expect(lines.at(-1)).toBe(`  frames         ${join(directory, 'frames.jpg')}`)
    expect(probeMedia(await readFile(join(directory, 'frames.jpg')))).toMatchObject({ format: 'jpeg', height: 96 })
  })

  it('measures a still: size and identity, no motion', async () => {
    const run = await measure([ASTRONAUT, '--reference', ASTRONAUT, '--json'], directory)
    expect(run.code).toBe(0)
    const figures = JSON.parse(run.stdout)
    expect(figures).toMatchObject({ codec: 'png', width: 512, fps: null, motionEnergy: null })
    expect(figures.identitySimilarity).toBeGreaterThan(0.95)
  })

  it.each([
    ['no file', [], /exactly one VIDEO/],
    ['a missing file', ['nope.mp4'], /cannot read nope\.mp4: ENOENT/],
    ['a file that is not media', ['notes.txt'], /notes\.txt is not a video or image/],
    ['--start without --audio', ['squares.mp4', '--start', '1'], /--start and --end go with --audio/],
    ['a strip that is not a JPEG', ['squares.mp4', '--strip', 'frames.png'], /--strip must name a \.jpg file/],
  ])('exits 2 for %s', async (_name, args, message) => {
    const run = await measure(args as string[], directory)
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(message)
    expect(existsSync(join(directory, 'frames.png'))).toBe(false)
  })

  it('prints help with examples', async () => {
    const run = await measure(['--help'], directory)
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('Usage: portrait-animator measure VIDEO')
    expect(run.stdout).toContain('Examples:')
  })
})
