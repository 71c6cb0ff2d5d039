import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTestPortrait, createTestWav, startEmulator, type Emulator } from '@portrait-animator/emulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cutJpegScan, pngBytes, wavBytes } from '../../core/src/media/test-fixtures.test-helpers.js'
import { cleanEnv, runCli } from './run-cli.test-helpers.js'

/**
 * Corrupt media given to the command with every paid provider configured (against the emulator):
 * exit 2 with the field and rule, no output file, and nothing submitted or charged. Before, the
 * damaged PNG and JPEG were sent to AILab and fal and paid for, and the 0 Hz WAV fell back from
 * Magic Hour's "endSeconds is required" to a paid fal call.
 */

let emulator: Emulator
let folder = ''
const env = () => cleanEnv({ AILAB_API_KEY: 'cli-corrupt-ailab', FAL_KEY: 'cli-corrupt-id:cli-corrupt-secret', MAGIC_HOUR_API_KEY: 'cli-corrupt-mh' })

beforeAll(async () => {
  emulator = await startEmulator({ seed: 23, jobDurationMs: 50 })
  folder = await mkdtemp(join(tmpdir(), 'pa-cli-corrupt-'))
  const baseUrl = emulator.baseUrl
  await writeFile(
    join(folder, 'portrait-animator.json'),
    JSON.stringify({
      providers: {
        ailab: { adapter: 'ailab', apiKey: 'env:AILAB_API_KEY', baseUrl },
        fal: { adapter: 'fal', apiKey: 'env:FAL_KEY', baseUrl },
        magichour: { adapter: 'magichour', apiKey: 'env:MAGIC_HOUR_API_KEY', baseUrl },
      },
      routes: {
        default: { strategy: 'fallback', targets: ['ailab/live-photo', 'fal/live-portrait', 'magichour/image-to-video'] },
        talking: { strategy: 'fallback', targets: ['magichour/talking-photo', 'fal/sadtalker'] },
      },
    }),
  )
  await writeFile(join(folder, 'portrait.png'), await createTestPortrait({ width: 512, height: 512 }))
  await writeFile(join(folder, 'stops-at-row-100.png'), pngBytes(512, 512, { rows: 100 }))
  await writeFile(join(folder, 'cut-scan.jpg'), cutJpegScan(new Uint8Array(await createTestPortrait({ format: 'jpeg', width: 512, height: 512 }))))
  await writeFile(join(folder, 'zero-hz.wav'), wavBytes({ seconds: 2, declaredSampleRate: 0 }))
  await writeFile(join(folder, 'zero-byte-rate.wav'), wavBytes({ seconds: 2, declaredByteRate: 0 }))
  await writeFile(join(folder, 'header-only.wav'), createTestWav(0))
}, 60_000)

afterAll(async () => {
  await emulator?.stop()
  if (folder) await rm(folder, { recursive: true, force: true })
})

describe('portrait-animator animate with corrupt media (child process, every provider configured)', () => {
  it.each([
    ['a PNG whose pixel data stops at row 100 of 512', ['stops-at-row-100.png'], 'image', 'corrupt'],
    ['a JPEG whose scan is cut short, EOI appended', ['cut-scan.jpg'], 'image', 'corrupt'],
    ['a WAV declaring 0 Hz', ['portrait.png', '--audio', 'zero-hz.wav', '--route', 'talking'], 'motion.audio', 'corrupt'],
    ['a WAV declaring a byte rate of 0', ['portrait.png', '--audio', 'zero-byte-rate.wav', '--route', 'talking'], 'motion.audio', 'corrupt'],
    ['a header-only 0-second WAV', ['portrait.png', '--audio', 'header-only.wav', '--route', 'talking'], 'motion.audio', 'min-duration'],
  ])('%s: exit 2, invalid_input with its field and rule, nothing submitted', async (_name, args, field, rule) => {
    const output = join(folder, `${rule}-${field}.mp4`)
    const run = await runCli(['animate', ...args, '-o', output, '--json'], { cwd: folder, env: env() })
    expect(run.code).toBe(2)
    const document = JSON.parse(run.stdout) as { ok: boolean; error: { kind: string; field: string; rule: string } }
    expect(document).toMatchObject({ ok: false, error: { kind: 'invalid_input', field, rule } })
    expect(existsSync(output)).toBe(false)
    expect(emulator.ledger.submissions()).toEqual([])
    expect(emulator.ledger.charges()).toEqual([])
  })
})
