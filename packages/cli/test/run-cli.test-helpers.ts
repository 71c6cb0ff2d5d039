import { spawn, type ChildProcess } from 'node:child_process'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
/** The built CLI, as users run it. */
export const BIN = join(ROOT, 'packages', 'cli', 'dist', 'bin.js')
/** The bundled sample portrait. */
export const SAMPLE = join(ROOT, 'examples', 'assets', 'astronaut.png')

/** What a finished CLI run printed and returned. */
export interface CliRun {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

/**
 * An environment without any provider key, like a fresh machine, except that the offline
 * animator's cache folder stays the tests' temporary one (never the real home's cache).
 */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined) continue
    if (/^(FAL_KEY|FAL_KEY_ID|FAL_KEY_SECRET|MAGIC_HOUR_API_KEY|AILAB_API_KEY|REPLICATE_API_TOKEN|PORTRAIT_ANIMATOR_)/.test(name)) continue
    env[name] = value
  }
  env.PORTRAIT_ANIMATOR_CACHE_DIR = process.env.PORTRAIT_ANIMATOR_CACHE_DIR || join(tmpdir(), 'portrait-animator-test-cache')
  return { ...env, ...extra }
}

/**
 * `env` with an explicit state folder: `<cwd>/.portrait-animator` unless the test set one, so no
 * test writes into the real home's state folder (the CLI's default).
 */
export function withStateDir(env: Record<string, string>, cwd: string): Record<string, string> {
  return env.PORTRAIT_ANIMATOR_STATE_DIR ? env : { ...env, PORTRAIT_ANIMATOR_STATE_DIR: join(cwd, '.portrait-animator') }
}

/** Starts the CLI as a child process. */
export function startCli(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): ChildProcess & { done: Promise<CliRun> } {
  const cwd = options.cwd ?? ROOT
  const env = withStateDir(options.env ?? cleanEnv(), cwd)
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const done = new Promise<CliRun>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })))
  return Object.assign(child, { done })
}

/** Runs the CLI to completion (killed after `timeoutMs`). */
export async function runCli(args: readonly string[], options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CliRun> {
  const child = startCli(args, options)
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000)
  try {
    return await child.done
  } finally {
    clearTimeout(timer)
  }
}

/** Resolves with the first stdout line of a long-running child (a server announcing its URL). */
export function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = ''
    const onData = (chunk: Buffer | string) => {
      buffer += chunk.toString()
      const newline = buffer.indexOf('\n')
      if (newline >= 0) {
        child.stdout!.off('data', onData)
        resolve(buffer.slice(0, newline))
      }
    }
    child.stdout!.on('data', onData)
    child.once('exit', (code) => reject(new Error(`exited with ${code} before printing a line`)))
  })
}
