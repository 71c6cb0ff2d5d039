import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { waitUntil } from '@portrait-animator/core/testing'
import { createFeaturelessImage, createTestPortrait, startEmulator, type Emulator } from '@portrait-animator/emulator'
import { afterEach, describe, expect, it } from 'vitest'
import { cleanEnv, runCli, startCli } from './run-cli.test-helpers.js'

const TARGET = 'fal/live-portrait-image'
const env = cleanEnv({ FAL_KEY: 'fal-emulator-key' })
const cleanups: Array<() => Promise<unknown>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined)
})

async function setup(jobDurationMs: number): Promise<{ emulator: Emulator; directory: string }> {
  const emulator = await startEmulator({ seed: 15, jobDurationMs })
  const directory = await mkdtemp(join(tmpdir(), 'cli-batch-local-'))
  cleanups.push(() => emulator.stop(), () => rm(directory, { recursive: true, force: true }))
  await writeFile(join(directory, 'portrait-animator.json'), JSON.stringify({
    stateDir: join(directory, 'state'),
    providers: { fal: { adapter: 'fal', apiKey: 'env:FAL_KEY', baseUrl: emulator.baseUrl, settings: { allowPrivateNetwork: true } } },
    routes: { default: { strategy: 'fallback', targets: [TARGET] } },
  }))
  await mkdir(join(directory, 'in'))
  return { emulator, directory }
}

describe('batch without Redis (one process)', () => {
  it('writes the outputs named after the inputs, prints a line per portrait when piped, lists failures and exits 3', async () => {
    const { emulator, directory } = await setup(50)
    await writeFile(join(directory, 'in', 'ann.png'), await createTestPortrait({ width: 200, height: 200 }))
    await writeFile(join(directory, 'in', 'bob.png'), await createTestPortrait({ width: 210, height: 200 }))
    await writeFile(join(directory, 'in', 'blank.png'), await createFeaturelessImage())
    await writeFile(join(directory, 'list.csv'), `image,expression,output\nin/ann.png,"smile=0.9",ann-big-smile.jpg\n`)

    const run = await runCli(['batch', 'in', 'list.csv', '--out', 'out', '--target', TARGET, '--expression', 'smile=0.5'], { cwd: directory, env })
    expect(run.code).toBe(3)
    expect(run.stderr).toMatch(/^ok in\/ann\.png -> .*out\/ann\.jpg \(fal\/live-portrait-image\)$/m)
    expect(run.stderr).toMatch(/^failed in\/blank\.png: no_face: /m)
    expect(run.stderr).toContain('3 of 4 portraits done in out; 1 failed:')
    for (const name of ['ann.jpg', 'bob.jpg', 'ann-big-smile.jpg']) expect((await readFile(join(directory, 'out', name))).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]))
    expect(emulator.ledger.charges({ provider: 'fal' })).toHaveLength(3)

    const again = await runCli(['batch', 'in', 'list.csv', '--out', 'out', '--target', TARGET, '--expression', 'smile=0.5', '--json'], { cwd: directory, env })
    expect(again.code).toBe(3)
    const summary = JSON.parse(again.stdout) as { done: number; failed: Array<{ input: string; kind: string }> }
    expect(summary.done).toBe(3)
    expect(summary.failed).toMatchObject([{ input: join('in', 'blank.png'), kind: 'no_face' }])
    expect(emulator.ledger.charges({ provider: 'fal' })).toHaveLength(3)
  })

  it('Ctrl-C exits 130 and keeps what is left; the same command again finishes it, each portrait charged once', async () => {
    const { emulator, directory } = await setup(3000)
    for (let index = 0; index < 3; index++) await writeFile(join(directory, 'in', `p${index}.png`), await createTestPortrait({ width: 200 + index, height: 200 }))
    const args = ['batch', 'in', '--out', 'out', '--target', TARGET, '--expression', 'smile=0.5', '--json']
    const child = startCli(args, { cwd: directory, env })
    await waitUntil(() => emulator.ledger.submissions({ provider: 'fal' }).length >= 1, { what: 'a submission', timeoutMs: 60_000 })
    child.kill('SIGINT')
    const interrupted = await child.done
    expect(interrupted.code).toBe(130)
    expect(interrupted.stderr).toContain('run the same command again to resume them')
    expect(interrupted.stderr).toContain('nothing is cancelled')
    expect(interrupted.stderr).not.toContain('cancelling remote jobs')

    const resumed = await runCli(args, { cwd: directory, env })
    expect(resumed.code).toBe(0)
    expect((JSON.parse(resumed.stdout) as { done: number }).done).toBe(3)
    const charges = emulator.ledger.charges({ provider: 'fal' })
    expect(charges).toHaveLength(3)
    expect(new Set(charges.map((charge) => charge.inputDigest)).size).toBe(3)
  })
})
