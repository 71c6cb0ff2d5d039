import { readdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Queue } from 'bullmq'
import type { AnimationJobData, AnimationJobResult } from './animation-job.js'

/** A spooled file named after its job (`pa-<hash>.<ext>`): the job id, or `undefined`. */
export function spooledJobId(fileName: string): string | undefined {
  return /^(pa-[0-9a-f]+)\.[a-z0-9]+$/.exec(fileName)?.[1]
}

/** Files of an older layout (inputs named by digest) and stray temporary files are removed after this long. */
const UNNAMED_FILE_MAX_AGE_MS = 24 * 60 * 60 * 1000

/** Options of `sweepSpool`. */
export interface SpoolSweepOptions {
  /** How long an output stays after its job finished, for waiters on other servers to read it. */
  readonly outputGraceMs: number
  /** @default Date.now */
  readonly now?: () => number
}

/**
 * Removes what a server left in the spool folder (`inputs/`, `outputs/`) when it stopped or died:
 * the input of a job that no longer exists or has finished (completed or failed), and the output
 * of a job that no longer exists, or finished more than `outputGraceMs` ago. Inputs of jobs still
 * queued or running (for any server sharing the folder) stay. Resolves with the number of files
 * removed.
 */
export async function sweepSpool(queue: Queue<AnimationJobData, AnimationJobResult>, spoolDir: string, options: SpoolSweepOptions): Promise<number> {
  const now = options.now ?? Date.now
  let removed = 0
  for (const part of ['inputs', 'outputs'] as const) {
    const folder = join(spoolDir, part)
    const names = await readdir(folder).catch(() => [] as string[])
    for (const name of names) {
      const path = join(folder, name)
      const info = await stat(path).catch(() => undefined)
      if (!info?.isFile()) continue
      const id = spooledJobId(name)
      let remove: boolean
      if (id === undefined) remove = now() - info.mtimeMs > UNNAMED_FILE_MAX_AGE_MS
      else {
        const state = await queue.getJobState(id)
        const finished = state === 'completed' || state === 'failed' || state === 'unknown'
        remove = part === 'inputs' ? finished : finished && (state === 'unknown' || now() - info.mtimeMs > options.outputGraceMs)
      }
      if (remove && (await rm(path, { force: true }).then(() => true, () => false))) removed++
    }
  }
  return removed
}
