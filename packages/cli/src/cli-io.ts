import type { Verbosity } from './global-flags.js'

/** Where a command reads and writes, so tests can run commands in-process or as a child process alike. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }
  readonly env: Readonly<Record<string, string | undefined>>
  readonly cwd: string
  /** Fires when the user asks to stop (Ctrl-C). */
  readonly interrupt: AbortSignal
  /** `--quiet` / `--verbose`. @default 'normal' */
  readonly verbosity?: Verbosity
}

/** The process's own streams and environment. */
export function processIo(interrupt: AbortSignal): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), interrupt }
}
