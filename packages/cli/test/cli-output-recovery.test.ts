import { existsSync } from 'node:fs'
import { mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readMp4Summary } from '@portrait-animator/core'
import { startEmulator, type Emulator } from '@portrait-animator/emulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanEnv, runCli, SAMPLE, startCli } from './run-cli.test-helpers.js'
import { mountTinyDisk, type TinyDisk } from '@portrait-animator/core/testing'

let emulator: Emulator
let disk: TinyDisk | undefined
const isRoot = process.getuid?.() === 0

beforeAll(async () => {
  // Jobs long enough to fill the disk while one runs, even on a busy machine.
  emulator = await startEmulator({ seed: 20, jobDurationMs: 5_000 })
  disk = await mountTinyDisk('2m')
})
afterAll(async () => {
  await emulator.stop()
  await disk?.unmount()
})

/** Waits for `condition`, checking every 50 ms, failing after a generous deadline (never a timing assertion). */
async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (const started = Date.now(); !condition(); ) {
    if (Date.now() - started > 30_000) throw new Error(`gave up waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** Fills the file system at `folder` to the last byte. */
async function fill(folder: string): Promise<string> {
  const path = join(folder, 'filler')
  const handle = await open(path, 'w')
  try {
    for (;;) {
      const { bytesWritten } = await handle.write(Buffer.alloc(64 * 1024))
      if (bytesWritten < 64 * 1024) break
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error
  } finally {
    await handle.close()
  }
  return path
}

describe('a paid output that cannot be written is kept, and resume puts it in place (child process, emulator)', () => {
  it.skipIf(!isRoot)('the disk fills up while the fal job runs: exit 4, the message says where the output was kept, resume saves it', async () => {
    if (!disk) throw new Error('running as root but could not mount a tmpfs')
    const folder = await mkdtemp(join(tmpdir(), 'pa-cli-recover-'))
    const state = join(folder, 'state')
    await writeFile(
      join(folder, 'portrait-animator.json'),
      JSON.stringify({
        providers: { fal: { adapter: 'fal', apiKey: 'env:FAL_KEY', baseUrl: emulator.baseUrl, settings: { allowPrivateNetwork: true } }, local: { adapter: 'local' } },
        routes: { default: { strategy: 'fallback', targets: ['fal/live-portrait', 'local/warp'] } },
        stateDir: state,
      }),
    )
    const target = join(disk.path, 'live.mp4')
    const env = cleanEnv({ FAL_KEY: 'fal-emulator-key-1' })
    const child = startCli(['animate', SAMPLE, '-o', target], { cwd: folder, env })
    // The path passed its check (2 MiB free) and the job is paid for; now the disk fills up.
    let exited = false
    void child.done.then(() => (exited = true))
    await waitFor(() => exited || emulator.ledger.submissions({ provider: 'fal' }).length === 1, 'the fal submission')
    if (exited) throw new Error(`the CLI ended before its job was submitted: ${(await child.done).stderr}`)
    const filler = await fill(disk.path)
    const run = await child.done

    expect(run.code, run.stderr).toBe(4)
    const kept = (await readdir(join(state, 'recovered'))).find((name) => name.endsWith('.mp4'))!
    const keptBytes = await readFile(join(state, 'recovered', kept))
    expect(run.stderr).toContain(`Error (output_failed): Could not write ${target}: the disk is full (ENOSPC). The paid output was kept in ${join(state, 'recovered', kept)}; "portrait-animator resume" moves it into place once there is room.`)
    expect(run.stderr).not.toMatch(/\n\s+at /)
    expect(existsSync(target)).toBe(false)
    expect(readMp4Summary(keptBytes).frameCount).toBeGreaterThan(0)
    // Neither retried nor passed to another target: one paid job, and local/warp was not used.
    expect(emulator.ledger.submissions({ provider: 'fal' })).toHaveLength(1)
    expect(run.stderr).not.toContain('Served by')

    await rm(filler)
    const resumed = await runCli(['resume'], { cwd: folder, env })
    expect(resumed.code, resumed.stderr).toBe(0)
    expect(resumed.stderr).toContain(`Restored a kept output: saved ${target}`)
    expect(await readFile(target)).toEqual(keptBytes)
    expect(await readdir(join(state, 'recovered'))).toEqual([])
    expect(emulator.ledger.submissions({ provider: 'fal' })).toHaveLength(1)
  }, 90_000)
})
