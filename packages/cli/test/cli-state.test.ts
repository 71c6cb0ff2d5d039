import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmulator, type Emulator } from '@portrait-animator/emulator'
import { FileJobJournal } from '@portrait-animator/router'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanEnv, runCli, SAMPLE } from './run-cli.test-helpers.js'

let emulator: Emulator

beforeAll(async () => {
  emulator = await startEmulator({ seed: 31, ailab: { mode: 'retired' } })
})
afterAll(() => emulator.stop())

interface Listed {
  target: string
  configured: boolean
  state: string
  stateReason?: string
  retired?: { endpoint: string }
}

describe('providers and state show what the router remembers (child process, against the emulator)', () => {
  it('providers and providers --json agree on every target, before and after a retirement is remembered; state shows it and state clear forgets it', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'pa-state-'))
    await writeFile(
      join(folder, 'portrait-animator.json'),
      JSON.stringify({
        providers: { ailab: { adapter: 'ailab', apiKey: 'env:AILAB_API_KEY', baseUrl: emulator.baseUrl, settings: { allowPrivateNetwork: true } }, fal: { adapter: 'fal', apiKey: 'env:FAL_KEY' }, local: { adapter: 'local' } },
        routes: { default: { strategy: 'fallback', targets: ['ailab/live-photo', 'fal/live-portrait', 'local/warp'] } },
      }),
    )
    const env = cleanEnv({ AILAB_API_KEY: 'ailab-emulator-key-1' })
    const agree = async (): Promise<Listed[]> => {
      const table = await runCli(['providers'], { cwd: folder, env })
      const listed = JSON.parse((await runCli(['providers', '--json'], { cwd: folder, env })).stdout) as Listed[]
      for (const target of listed) {
        const row = table.stdout.split('\n').find((line) => line.startsWith(`${target.target} `))!
        expect(row).toContain(target.state === 'ready' ? 'ready' : `${target.state}: `)
        expect(target.configured || target.state === 'unconfigured').toBe(true)
      }
      return listed
    }
    const before = await agree()
    expect(before.map((target) => [target.target, target.state])).toEqual([['ailab/live-photo', 'ready'], ['fal/live-portrait', 'unconfigured'], ['local/warp', 'ready']])
    expect((await runCli(['state'], { cwd: folder, env })).stdout).toContain('Retired targets: none remembered.')

    // The emulated AILab answers "retired": the router remembers it for that endpoint.
    const run = await runCli(['animate', SAMPLE, '-o', 'live.mp4'], { cwd: folder, env })
    expect(run.code, run.stderr).toBe(0)
    const after = await agree()
    expect(after[0]).toMatchObject({ target: 'ailab/live-photo', configured: true, state: 'retired', retired: { endpoint: emulator.baseUrl } })
    expect((await runCli(['providers'], { cwd: folder, env })).stdout).toMatch(/ailab\/live-photo\s+retired\s+retired: answered "retired" at http/)

    const state = await runCli(['state', '--json'], { cwd: folder, env })
    expect(JSON.parse(state.stdout)).toMatchObject({ retired: [{ target: 'ailab/live-photo', endpoint: emulator.baseUrl }], jobs: [] })
    expect((await runCli(['state'], { cwd: folder, env })).stdout).toContain(`  ailab/live-photo at ${emulator.baseUrl}, since `)

    const cleared = await runCli(['state', 'clear', '--retired', 'ailab/live-photo'], { cwd: folder, env })
    expect(cleared.code).toBe(0)
    expect(cleared.stderr).toBe('Forgot 1 retirement and 0 journaled jobs.\n')
    expect(JSON.parse((await runCli(['state', '--json'], { cwd: folder, env })).stdout).retired).toEqual([])
    expect((await agree())[0]!.state).toBe('ready')
  })

  it('state lists a submit of unknown acceptance (a process died with its paid request in flight) and state clear --journal forgets it', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'pa-state-'))
    // What a process killed between its mark and the provider's answer leaves in the state folder.
    await new FileJobJournal(join(folder, '.portrait-animator', 'journal')).intend({ version: 1, id: 'req7-1', target: 'magichour/image-to-video', route: 'default', context: { cliOutput: 'out/me.mp4' }, at: new Date().toISOString() })
    const listed = await runCli(['state'], { cwd: folder })
    expect(listed.stdout).toContain('Submits of unknown acceptance (the provider may have the job and its charge; sending the request again may pay twice):')
    expect(listed.stdout).toMatch(/ {2}req7-1 {2}magichour\/image-to-video {2}sent \d+ s ago {2}for out\/me\.mp4/)
    expect(JSON.parse((await runCli(['state', '--json'], { cwd: folder })).stdout)).toMatchObject({ jobs: [], unknownSubmits: [{ id: 'req7-1', target: 'magichour/image-to-video', output: 'out/me.mp4' }] })

    const cleared = await runCli(['state', 'clear', '--journal', 'req7-1'], { cwd: folder })
    expect(cleared.code).toBe(0)
    expect(cleared.stderr).toBe('Forgot 0 retirements, 0 journaled jobs and 1 submit of unknown acceptance.\n')
    expect(JSON.parse((await runCli(['state', '--json'], { cwd: folder })).stdout).unknownSubmits).toEqual([])
  })

  it('state clear of something not remembered says so and exits 2', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'pa-state-'))
    const run = await runCli(['state', 'clear', '--journal', 'nope'], { cwd: folder })
    expect(run.code).toBe(2)
    expect(run.stderr).toBe('No journaled job "nope"; "portrait-animator state" lists them.\n')
  })
})
