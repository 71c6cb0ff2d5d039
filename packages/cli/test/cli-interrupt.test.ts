import { existsSync } from 'node:fs'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmulator, type Emulator } from '@portrait-animator/emulator'
import { readMp4Summary } from '@portrait-animator/core'
import { FileJobJournal } from '@portrait-animator/router'
import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanEnv, runCli, SAMPLE, startCli } from './run-cli.test-helpers.js'

let emulator: Emulator
/** Jobs long enough to interrupt (the first test) and short enough to resume quickly (the second). */
let quick: Emulator
/** Long jobs whose cancellation fal refuses (403), so it is never confirmed. */
let stubborn: Emulator

beforeAll(async () => {
  emulator = await startEmulator({ seed: 7, jobDurationMs: 20_000 })
  quick = await startEmulator({ seed: 8, jobDurationMs: 3_000 })
  stubborn = await startEmulator({ seed: 9, jobDurationMs: 20_000, faults: [{ route: 'fal.cancel', status: 403 }] })
})
afterAll(async () => {
  await Promise.all([emulator.stop(), quick.stop(), stubborn.stop()])
})

/** Starts animate, waits until its fal job is submitted, presses Ctrl-C and returns the run. */
async function interruptAfterSubmit(folder: string) {
  const child = startCli(['animate', SAMPLE, '-o', 'out.mp4'], { cwd: folder, env: cleanEnv({ FAL_KEY: 'fal-emulator-key-1' }) })
  let stderr = ''
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
      if (stderr.includes('submitted')) resolve()
    })
    child.once('exit', () => reject(new Error(`exited early: ${stderr}`)))
  })
  child.kill('SIGINT')
  return child.done
}

async function configFolder(server: Emulator = emulator): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'pa-cli-'))
  await writeFile(
    join(folder, 'portrait-animator.json'),
    JSON.stringify({
      providers: {
        fal: { adapter: 'fal', apiKey: 'env:FAL_KEY', baseUrl: server.baseUrl, settings: { allowPrivateNetwork: true } },
        magichour: { adapter: 'magichour', apiKey: 'env:MAGIC_HOUR_API_KEY', baseUrl: server.baseUrl, settings: { allowPrivateNetwork: true, pollIntervalMs: 500 } },
      },
      routes: { default: { strategy: 'fallback', targets: ['fal/live-portrait'] }, slow: { strategy: 'fallback', targets: ['magichour/image-to-video'] } },
    }),
  )
  return folder
}

describe('interrupting and resuming (child process, against the emulator)', () => {
  it('Ctrl-C cancels the remote job first, then exits 130 without an output file', async () => {
    const folder = await configFolder()
    const child = startCli(['animate', SAMPLE, '-o', 'out.mp4'], { cwd: folder, env: cleanEnv({ FAL_KEY: 'fal-emulator-key-1' }) })
    let stderr = ''
    await new Promise<void>((resolve, reject) => {
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString()
        if (stderr.includes('submitted')) resolve()
      })
      child.once('exit', () => reject(new Error(`exited early: ${stderr}`)))
    })
    const submissions = emulator.ledger.submissions({ provider: 'fal' })
    expect(submissions).toHaveLength(1)
    child.kill('SIGINT')
    const run = await child.done
    expect(run.code).toBe(130)
    expect(run.stderr).toContain('cancel')
    expect(emulator.ledger.cancels({ provider: 'fal' }).map((entry) => entry.requestId)).toContain(submissions[0]!.requestId)
    expect(run.stderr).toContain(`Interrupted; remote jobs were cancelled: fal/live-portrait job ${submissions[0]!.requestId}.`)
    expect(run.stderr).not.toContain('may still run')
    // A confirmed cancellation is closed in the journal: resume will not try it again.
    expect(JSON.parse((await runCli(['state', '--json'], { cwd: folder })).stdout).jobs).toEqual([])
    expect(emulator.ledger.charges({ provider: 'fal' })).toHaveLength(0)
    expect(existsSync(join(folder, 'out.mp4'))).toBe(false)
  })

  it('Ctrl-C when the provider does not confirm the cancellation: names the job that may still run and how to resume or forget it', async () => {
    const folder = await configFolder(stubborn)
    const run = await interruptAfterSubmit(folder)
    const [submission] = stubborn.ledger.submissions({ provider: 'fal' })
    expect(run.code).toBe(130)
    expect(run.stderr).not.toContain('remote jobs were cancelled')
    expect(run.stderr).toContain(`Interrupted; the cancellation of fal/live-portrait job ${submission!.requestId} was not confirmed, so it may still run and be charged: "portrait-animator resume" finishes and saves it without paying again, "portrait-animator state clear --journal ID" forgets it.`)
    const state = await runCli(['state', '--json'], { cwd: folder })
    expect(JSON.parse(state.stdout).jobs).toMatchObject([{ jobId: submission!.requestId, target: 'fal/live-portrait' }])
  })

  it('resume finishes a job left in the journal without paying again, and saves it where animate would have', async () => {
    const folder = await configFolder(quick)
    const env = cleanEnv({ MAGIC_HOUR_API_KEY: 'mh-emulator-key-1' })
    const child = startCli(['animate', SAMPLE, '--route', 'slow', '-o', 'resumed.mp4'], { cwd: folder, env })
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(async () => {
        if ((await new FileJobJournal(join(folder, '.portrait-animator', 'journal')).list()).length > 0) {
          clearInterval(timer)
          resolve()
        }
      }, 50)
      child.once('exit', () => reject(new Error('exited before journaling')))
    })
    child.kill('SIGKILL')
    await child.done
    expect(quick.ledger.submissions({ provider: 'magichour' })).toHaveLength(1)

    const run = await runCli(['resume'], { cwd: folder, env, timeoutMs: 60_000 })
    expect(run.code).toBe(0)
    expect(run.stderr).toMatch(/Resumed magichour\/image-to-video job .*: saved .*resumed\.mp4/)
    expect(readMp4Summary(await readFile(join(folder, 'resumed.mp4'))).frameCount).toBeGreaterThan(0)
    expect(quick.ledger.submissions({ provider: 'magichour' })).toHaveLength(1)
    expect(await new FileJobJournal(join(folder, '.portrait-animator', 'journal')).list()).toEqual([])
  }, 90_000)
})
