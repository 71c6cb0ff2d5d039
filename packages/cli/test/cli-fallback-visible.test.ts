import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmulator, type Emulator } from '@portrait-animator/emulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanEnv, runCli, SAMPLE, startCli } from './run-cli.test-helpers.js'

let failing: Emulator
let slow: Emulator
const env = cleanEnv({ FAL_KEY: 'fal-emulator-key-1', MAGIC_HOUR_API_KEY: 'mh-emulator-key-1' })

beforeAll(async () => {
  failing = await startEmulator({ seed: 41, jobDurationMs: 200, faults: [{ route: 'fal.submit', status: 500 }, { route: 'magichour.create', status: 500 }] })
  slow = await startEmulator({ seed: 42, jobDurationMs: 60_000 })
})
afterAll(() => Promise.all([failing.stop(), slow.stop()]))

async function project(emulator: Emulator): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'pa-fallback-'))
  await writeFile(
    join(folder, 'portrait-animator.json'),
    JSON.stringify({
      providers: {
        fal: { adapter: 'fal', apiKey: 'env:FAL_KEY', baseUrl: emulator.baseUrl, settings: { allowPrivateNetwork: true } },
        magichour: { adapter: 'magichour', apiKey: 'env:MAGIC_HOUR_API_KEY', baseUrl: emulator.baseUrl, settings: { allowPrivateNetwork: true, pollIntervalMs: 100 } },
        local: { adapter: 'local' },
      },
      routes: { default: { strategy: 'fallback', targets: ['fal/live-portrait', 'magichour/image-to-video', 'local/warp'] } },
      retry: { maxAttempts: 1 },
      stateDir: join(folder, 'state'),
    }),
  )
  return folder
}

describe('a slow fallback is visible as it happens (child process, against the emulator)', () => {
  it('each failure and the next target are printed while the request is still running', async () => {
    const folder = await project(failing)
    const child = startCli(['animate', SAMPLE, '-o', 'live.mp4'], { cwd: folder, env })
    let stderr = ''
    let exited = false
    child.once('exit', () => (exited = true))
    const seenWhileRunning = await new Promise<string>((resolve, reject) => {
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString()
        if (stderr.includes('falling back to local/warp')) resolve(stderr)
      })
      child.once('close', () => reject(new Error(`ended without falling back: ${stderr}`)))
    })
    expect(exited).toBe(false)
    expect(seenWhileRunning).not.toContain('Served by')
    const run = await child.done
    expect(run.code, run.stderr).toBe(0)
    const order = ['x fal/live-portrait: ', 'falling back to magichour/image-to-video (', 'x magichour/image-to-video: ', 'falling back to local/warp (', 'Served by local/warp'].map((text) => run.stderr.indexOf(text))
    expect(order.every((index) => index >= 0)).toBe(true)
    expect([...order].sort((a, b) => a - b)).toEqual(order)
    expect(run.stderr).toMatch(/x fal\/live-portrait: \w+ after \d+\.\d s, /)
    expect(run.stderr).toMatch(/falling back to local\/warp \(\d+\.\d s spent so far\)/)
  })

  it('--max-wait bounds the whole request: the slow job is cancelled and the run ends with a timeout', async () => {
    const folder = await project(slow)
    const run = await runCli(['animate', SAMPLE, '-o', 'live.mp4', '--max-wait', '2'], { cwd: folder, env })
    expect(run.code, run.stderr).toBe(3)
    expect(run.stderr).toContain('Error (timeout)')
    const [submission] = slow.ledger.submissions({ provider: 'fal' })
    expect(slow.ledger.cancels({ provider: 'fal' }).map((entry) => entry.requestId)).toContain(submission!.requestId)
    expect(slow.ledger.submissions({ provider: 'magichour' })).toEqual([])
  })

  it('--max-wait must be a positive number', async () => {
    const run = await runCli(['animate', SAMPLE, '--max-wait', 'soon'])
    expect(run.code).toBe(2)
    expect(run.stderr).toBe('--max-wait must be a positive number of seconds (got "soon").\n')
  })
})
