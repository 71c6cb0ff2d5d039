import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startEmulator, type Emulator } from '@portrait-animator/emulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RouterConfig } from '@portrait-animator/core'
import { waitUntil } from '@portrait-animator/core/testing'
import { FileJobJournal } from '../src/state/file-job-journal.js'
import { checkPlayableMp4 } from './fixtures/playable-mp4.js'
import { uniquePortraits, type UniquePortrait } from './fixtures/unique-portraits.js'

const CHILD = fileURLToPath(new URL('./fixtures/crash-child.mjs', import.meta.url))

interface ChildRun {
  /** Resolves with the first stdout line that starts with `prefix`. */
  line(prefix: string): Promise<string>
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>
  kill(signal: NodeJS.Signals): void
}

/** Runs the fixture with plain Node (the built packages, as an app would), without provider keys in its environment. */
function runChild(args: string[]): ChildRun {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(FAL_|MAGIC_HOUR_|AILAB_)/.test(name) && !name.startsWith('VITEST')))
  const child = spawn(process.execPath, [CHILD, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  const waiting: { prefix: string; resolve: (line: string) => void }[] = []
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
    for (const line of stdout.split('\n')) {
      for (const waiter of waiting.filter((item) => line.startsWith(item.prefix))) {
        waiting.splice(waiting.indexOf(waiter), 1)
        waiter.resolve(line)
      }
    }
  })
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  )
  return {
    line: (prefix) =>
      new Promise((resolve, reject) => {
        waiting.push({ prefix, resolve })
        void exited.then((run) => reject(new Error(`the child exited (${run.code ?? run.signal}) before printing "${prefix}": ${run.stderr}`)))
      }),
    exited,
    kill: (signal) => child.kill(signal),
  }
}


/**
 * The crash test: a process killed with SIGKILL while it polls an async job is restarted, the new
 * process resumes the job from the journal, and the provider sees exactly one submission (and one
 * charge) for it.
 */
describe('router crash and resume (SIGKILL while polling, against the emulator)', () => {
  let emulator: Emulator
  let folder: string
  let portraits: UniquePortrait[]

  beforeAll(async () => {
    // Jobs take long enough to be killed mid-way, and short enough to resume quickly.
    emulator = await startEmulator({ seed: 3, jobDurationMs: 3_000 })
    folder = await mkdtemp(join(tmpdir(), 'pa-router-crash-'))
    portraits = await uniquePortraits(2, 192)
  })
  afterAll(async () => {
    await emulator?.stop()
    if (folder) await rm(folder, { recursive: true, force: true })
  })

  const cases = [
    { target: 'magichour/image-to-video', provider: { adapter: 'magichour', apiKey: 'crash-magichour-key', settings: { pollIntervalMs: 100 } } },
    { target: 'fal/live-portrait', provider: { adapter: 'fal', apiKey: 'crash-id:crash-secret', settings: { pollIntervalMs: 500, statusMode: 'polling' } } },
  ] as const

  for (const [index, { target, provider }] of cases.entries()) {
    it(`${target}: the restarted process finishes the job without submitting it again`, async () => {
      const portrait = portraits[index]!
      const providerName = target.split('/')[0]! as 'magichour' | 'fal'
      const stateDir = join(folder, providerName, 'state')
      const config: RouterConfig = {
        providers: { [providerName]: { ...provider, baseUrl: emulator.baseUrl } },
        routes: { default: { strategy: 'fallback', targets: [target] } },
        stateDir,
      }
      const configPath = join(folder, `${providerName}.json`)
      const imagePath = join(folder, `${providerName}.png`)
      const outputPath = join(folder, providerName, 'live.mp4')
      await writeFile(configPath, JSON.stringify(config))
      await writeFile(imagePath, portrait.bytes)

      const first = runChild(['submit', configPath, imagePath, outputPath])
      const journaled = (await first.line('journaled ')).slice('journaled '.length)
      const job = () => emulator.ledger.jobs({ inputDigest: portrait.digest })[0]
      // Kill it while it polls: the job exists, has been checked at least once, and is still running.
      await waitUntil(() => (job()?.statusRequests ?? 0) >= 1, { what: 'the first status check' })
      expect(job()?.outcome).toBe('pending')
      first.kill('SIGKILL')
      const killed = await first.exited
      const killedAt = Date.now()
      expect(killed.signal).toBe('SIGKILL')
      expect(killed.stdout).not.toContain('done ')
      expect(existsSync(journaled)).toBe(true)
      expect(await new FileJobJournal(join(stateDir, 'journal')).list()).toMatchObject([{ version: 1, target, handle: { jobId: job()!.requestId } }])
      expect(existsSync(outputPath)).toBe(false)

      const second = runChild(['resume', configPath, outputPath])
      const resumed = await second.exited
      expect(resumed.code, resumed.stderr).toBe(0)
      const summary = JSON.parse(resumed.stdout.split('\n').find((line) => line.startsWith('resumed '))!.slice('resumed '.length)) as unknown[]
      expect(summary).toEqual([{ target, jobId: job()!.requestId, ok: true, servedBy: target }])

      expect(checkPlayableMp4(await readFile(outputPath)).frameCount).toBeGreaterThan(0)
      const submissions = emulator.ledger.submissions({ inputDigest: portrait.digest })
      expect(submissions).toHaveLength(1)
      expect(emulator.ledger.charges({ inputDigest: portrait.digest })).toHaveLength(1)
      expect(emulator.ledger.refunds({ inputDigest: portrait.digest })).toHaveLength(0)
      // Across both processes the provider saw one job, followed by the second process to its end.
      expect(emulator.ledger.jobs({ inputDigest: portrait.digest })).toHaveLength(1)
      expect(job()).toMatchObject({ outcome: 'completed', requestId: submissions[0]!.requestId })
      expect(job()!.statusRequestTimes.some((at) => at >= killedAt)).toBe(true)
      expect(await new FileJobJournal(join(stateDir, 'journal')).list()).toEqual([])
    }, 60_000)
  }
})

/**
 * The submit-in-flight window: a process killed with SIGKILL after the provider accepted (and
 * charged) its paid submit but before the answer came, so no handle was ever journaled. The
 * restarted process's resume reports the request as "acceptance unknown" from the mark the router
 * took before sending it, and submits nothing: the provider saw one submission, one charge.
 */
describe('router crash while the paid submit is in flight (SIGKILL, against the emulator)', () => {
  let emulator: Emulator
  let folder: string

  beforeAll(async () => {
    // The first Magic Hour create is accepted and charged, and its answer never sent.
    emulator = await startEmulator({ seed: 17, jobDurationMs: 500, faults: [{ route: 'magichour.create', sequence: [{ hang: true, processed: true }] }] })
    folder = await mkdtemp(join(tmpdir(), 'pa-router-submit-crash-'))
  })
  afterAll(async () => {
    await emulator?.stop()
    if (folder) await rm(folder, { recursive: true, force: true })
  })

  it('magichour/image-to-video: the restarted process reports the request (acceptance unknown) and does not submit it again', async () => {
    const [portrait] = await uniquePortraits(1, 200)
    const target = 'magichour/image-to-video'
    const stateDir = join(folder, 'state')
    const config: RouterConfig = {
      providers: { magichour: { adapter: 'magichour', apiKey: 'crash-magichour-key', baseUrl: emulator.baseUrl, settings: { pollIntervalMs: 100 } } },
      routes: { default: { strategy: 'fallback', targets: [target] } },
      stateDir,
    }
    const configPath = join(folder, 'magichour.json')
    const imagePath = join(folder, 'portrait.png')
    const outputPath = join(folder, 'live.mp4')
    await writeFile(configPath, JSON.stringify(config))
    await writeFile(imagePath, portrait!.bytes)

    const first = runChild(['submit', configPath, imagePath, outputPath])
    // The provider has the job (and charged it); the child still waits for the answer: kill it there.
    await waitUntil(() => emulator.ledger.submissions({ inputDigest: portrait!.digest }).length === 1, { timeoutMs: 30_000, what: 'the paid submit to reach the provider' })
    first.kill('SIGKILL')
    const killed = await first.exited
    expect(killed.signal).toBe('SIGKILL')
    expect(killed.stdout).not.toContain('journaled ')
    const journal = new FileJobJournal(join(stateDir, 'journal'))
    expect(await journal.list()).toEqual([])
    expect(await journal.intents()).toMatchObject([{ version: 1, target, route: 'default' }])

    const second = runChild(['resume', configPath, outputPath])
    const resumed = await second.exited
    expect(resumed.code, resumed.stderr).toBe(0)
    const summary = JSON.parse(resumed.stdout.split('\n').find((line) => line.startsWith('resumed '))!.slice('resumed '.length)) as Array<Record<string, unknown>>
    expect(summary).toMatchObject([{ unknown: target, ok: false, error: 'unavailable', accepted: 'unknown' }])
    expect(summary[0]!.message).toMatch(/may have accepted and charged it.*not submitted again/s)
    expect(emulator.ledger.submissions({ inputDigest: portrait!.digest })).toHaveLength(1)
    expect(emulator.ledger.charges({ inputDigest: portrait!.digest })).toHaveLength(1)
    expect(existsSync(outputPath)).toBe(false)

    // Reported once: the next resume has nothing left, and still nothing is submitted.
    const third = runChild(['resume', configPath, outputPath])
    const again = await third.exited
    expect(again.stdout).toContain('resumed []')
    expect(emulator.ledger.submissions({ inputDigest: portrait!.digest })).toHaveLength(1)
  }, 60_000)
})
