import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmulator, type Emulator } from '@portrait-animator/emulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanEnv, runCli, SAMPLE } from './run-cli.test-helpers.js'

let emulator: Emulator
const env = cleanEnv({ FAL_KEY: 'fal-emulator-key-1' })

beforeAll(async () => {
  emulator = await startEmulator({ seed: 23, jobDurationMs: 200 })
})
afterAll(() => emulator.stop())

async function project(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'pa-cli-format-'))
  await writeFile(
    join(folder, 'portrait-animator.json'),
    JSON.stringify({
      providers: { fal: { adapter: 'fal', apiKey: 'env:FAL_KEY', baseUrl: emulator.baseUrl, settings: { allowPrivateNetwork: true } }, local: { adapter: 'local' } },
      routes: { default: { strategy: 'fallback', targets: ['fal/live-portrait'] }, stills: { strategy: 'fallback', targets: ['fal/live-portrait-image'] } },
      stateDir: join(folder, 'state'),
    }),
  )
  return folder
}

/** What the file's first bytes say it is. */
async function sniff(path: string): Promise<string> {
  const bytes = await readFile(path)
  if (bytes.subarray(4, 8).toString('latin1') === 'ftyp') return 'mp4'
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'webp'
  if (bytes[0] === 0x89 && bytes.subarray(1, 4).toString('latin1') === 'PNG') return 'png'
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'jpeg'
  return 'unknown'
}

describe('-o: the file holds the format its extension names (child process, against the emulator)', () => {
  it('a video format no ready target of the route makes is refused before any call', async () => {
    const folder = await project()
    const before = emulator.ledger.submissions().length
    const run = await runCli(['animate', SAMPLE, '-o', 'live.webp'], { cwd: folder, env })
    expect(run.code).toBe(2)
    expect(run.stderr).toBe('-o live.webp: no ready target of route "default" makes webp video (fal/live-portrait makes mp4); save it as .mp4.\n')
    expect(emulator.ledger.submissions().length).toBe(before)
  })

  it('.mp4 from fal and .webp from the local animator hold what they say', async () => {
    const folder = await project()
    expect((await runCli(['animate', SAMPLE, '-o', 'live.mp4'], { cwd: folder, env })).code).toBe(0)
    expect(await sniff(join(folder, 'live.mp4'))).toBe('mp4')
    const webp = await runCli(['animate', SAMPLE, '--target', 'local/warp', '-o', 'live.webp'], { cwd: folder, env })
    expect(webp.code, webp.stderr).toBe(0)
    expect(await sniff(join(folder, 'live.webp'))).toBe('webp')
  })

  it.each([
    ['still.png', 'png'],
    ['still.jpg', 'jpeg'],
    ['still.webp', 'webp'],
  ])('an expression saved as %s is a %s file (converted when the provider made another still format)', async (name, format) => {
    const folder = await project()
    const run = await runCli(['animate', SAMPLE, '--route', 'stills', '--expression', 'smile=0.5', '-o', name, '--json'], { cwd: folder, env })
    expect(run.code, run.stderr).toBe(0)
    expect(await sniff(join(folder, name))).toBe(format)
    expect(JSON.parse(run.stdout).output).toMatchObject({ format, mimeType: `image/${format}` })
  })
})
