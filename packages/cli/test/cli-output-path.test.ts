import { copyFile, mkdir, mkdtemp, readdir, symlink, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmulator, type Emulator } from '@portrait-animator/emulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanEnv, runCli, SAMPLE, type CliRun } from './run-cli.test-helpers.js'
import { mountTinyDisk, type TinyDisk } from '@portrait-animator/core/testing'

let emulator: Emulator
let readOnly: TinyDisk | undefined
let nearlyFull: TinyDisk | undefined
const isRoot = process.getuid?.() === 0

beforeAll(async () => {
  emulator = await startEmulator({ seed: 19, jobDurationMs: 200 })
  readOnly = await mountTinyDisk('1m', { readOnly: true })
  nearlyFull = await mountTinyDisk('64k')
})
afterAll(async () => {
  await emulator.stop()
  await readOnly?.unmount()
  await nearlyFull?.unmount()
})

/** A folder with a config that sends fal and Magic Hour to the emulator (fal first: it would be paid). */
async function project(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'pa-cli-out-'))
  await writeFile(
    join(folder, 'portrait-animator.json'),
    JSON.stringify({
      providers: {
        fal: { adapter: 'fal', apiKey: 'env:FAL_KEY', baseUrl: emulator.baseUrl, settings: { allowPrivateNetwork: true } },
        magichour: { adapter: 'magichour', apiKey: 'env:MAGIC_HOUR_API_KEY', baseUrl: emulator.baseUrl, settings: { allowPrivateNetwork: true, pollIntervalMs: 100 } },
      },
      routes: { default: { strategy: 'fallback', targets: ['fal/live-portrait', 'magichour/image-to-video'] } },
      stateDir: join(folder, 'state'),
    }),
  )
  return folder
}

const keys = cleanEnv({ FAL_KEY: 'fal-emulator-key-1', MAGIC_HOUR_API_KEY: 'mh-emulator-key-1' })

/** Runs the CLI and asserts the refusal every case shares: exit 2, one sentence, no stack, nothing submitted. */
async function refused(args: string[], folder: string): Promise<CliRun> {
  const before = emulator.ledger.submissions().length
  const run = await runCli(args, { cwd: folder, env: keys })
  expect(run.code, run.stderr).toBe(2)
  expect(run.stderr.trim().split('\n')).toHaveLength(1)
  expect(run.stderr).not.toMatch(/\n\s+at /)
  expect(emulator.ledger.submissions().length).toBe(before)
  return run
}

describe('the output path is checked before any paid call (child process, against the emulator)', () => {
  it('an existing folder is refused', async () => {
    const folder = await project()
    await mkdir(join(folder, 'clips'))
    const run = await refused(['animate', SAMPLE, '-o', 'clips'], folder)
    expect(run.stderr).toBe(`Error (invalid_input): Cannot save the output to ${join(folder, 'clips')}: it is a folder; give a file name, e.g. out/live.mp4.\n`)
  })

  it('the input file itself is refused (same path, or the same file through a link)', async () => {
    const folder = await project()
    await copyFile(SAMPLE, join(folder, 'me.webp'))
    const run = await refused(['animate', 'me.webp', '-o', 'me.webp'], folder)
    expect(run.stderr).toContain('it is the input file')
    await symlink(join(folder, 'me.webp'), join(folder, 'alias.webp'))
    expect((await refused(['animate', 'me.webp', '-o', 'alias.webp'], folder)).stderr).toContain('it is the input file')
  })

  it('a path whose folder is a regular file is refused (ENOTDIR: a location that cannot be written)', async () => {
    const folder = await project()
    await writeFile(join(folder, 'notes'), 'a file, not a folder')
    const run = await refused(['animate', SAMPLE, '-o', 'notes/live.mp4'], folder)
    expect(run.stderr).toMatch(/Cannot save the output to .*notes\/live\.mp4: a file is in the way of a folder on the path \((ENOTDIR|EEXIST)\)\./)
  })

  it.skipIf(!isRoot)('a read-only file system is refused (a tmpfs mounted read-only: root cannot write it either)', async () => {
    if (!readOnly) throw new Error('running as root but could not mount a tmpfs')
    const folder = await project()
    const run = await refused(['animate', SAMPLE, '-o', join(readOnly.path, 'live.mp4')], folder)
    expect(run.stderr).toContain('the location is read-only (EROFS)')
  })

  it.skipIf(!isRoot)('a disk with less than 1 MiB free is refused (a 64 KiB tmpfs)', async () => {
    if (!nearlyFull) throw new Error('running as root but could not mount a tmpfs')
    const folder = await project()
    const run = await refused(['animate', SAMPLE, '-o', join(nearlyFull.path, 'live.mp4')], folder)
    expect(run.stderr).toMatch(/only \d+ bytes are free there \(at least 1048576 are needed\)/)
  })

  it('an extension that does not match --format, or is not an output format, or does not fit the motion, is refused', async () => {
    const folder = await project()
    expect((await refused(['animate', SAMPLE, '--format', 'webp', '-o', 'live.mp4'], folder)).stderr).toContain('the extension ".mp4" does not match the format webp')
    expect((await refused(['animate', SAMPLE, '-o', 'live.gif'], folder)).stderr).toContain('".gif" is not an output format')
    expect((await refused(['animate', SAMPLE, '-o', 'live.jpg'], folder)).stderr).toBe('-o live.jpg: this motion makes a video; save it as .mp4 or .webp.\n')
    expect((await refused(['animate', SAMPLE, '--expression', 'smile=0.5', '-o', 'still.mp4'], folder)).stderr).toContain('an expression makes a still image')
    expect(await readdir(folder)).toEqual(['portrait-animator.json'])
  })

  it('compare refuses a report folder that is a file', async () => {
    const folder = await project()
    await writeFile(join(folder, 'report'), 'x')
    const run = await refused(['compare', SAMPLE, '--targets', 'fal/live-portrait', '--out', 'report'], folder)
    expect(run.stderr).toContain('it is a file, not a folder')
  })

  it('a missing folder is created, and the output saved there', async () => {
    const folder = await project()
    const run = await runCli(['animate', SAMPLE, '-o', 'new/deeper/live.mp4'], { cwd: folder, env: keys })
    expect(run.code, run.stderr).toBe(0)
    expect(existsSync(join(folder, 'new', 'deeper', 'live.mp4'))).toBe(true)
  })
})
