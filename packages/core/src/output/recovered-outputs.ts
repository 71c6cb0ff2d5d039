import { createReadStream } from 'node:fs'
import { readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { PortraitAnimatorError } from '../errors/index.js'
import type { OutputFormat } from '../spec/index.js'
import { checkOutputIntegrity } from './check-output-integrity.js'
import { writeFileAtomic } from './write-file-atomic.js'

/** What is kept about a paid output that could not be saved where it was asked for. */
export interface RecoveredOutputRecord {
  readonly version: 1
  /** Where the output was meant to go. */
  readonly intendedPath: string
  readonly format: OutputFormat
  /** The kept copy, when one could be written. */
  readonly media?: string
  /** Where the provider still hosts it, until `expiresAt`. */
  readonly url?: string
  readonly expiresAt?: string
  /** Why it could not be saved. */
  readonly reason: string
  readonly recoveredAt: string
  /** Who served it (`servedBy.target`, request ids, ...), for the user's records. */
  readonly details?: Readonly<Record<string, unknown>>
}

/** A record as found in the recovery folder, with its own path. */
export interface RecoveredOutput extends RecoveredOutputRecord {
  readonly recordPath: string
}

/**
 * The outputs kept in `directory` by `saveWithRecovery`, oldest first.
 *
 * @example
 * ```ts
 * for (const kept of await listRecoveredOutputs('.portrait-animator/recovered')) console.log(kept.intendedPath, kept.media)
 * ```
 */
export async function listRecoveredOutputs(directory: string): Promise<RecoveredOutput[]> {
  let names: string[]
  try {
    names = await readdir(directory)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  const found: RecoveredOutput[] = []
  for (const name of names.filter((item) => item.endsWith('.output.json')).sort()) {
    const recordPath = join(directory, name)
    try {
      const record = JSON.parse(await readFile(recordPath, 'utf8')) as RecoveredOutputRecord
      if (record.version === 1 && typeof record.intendedPath === 'string') found.push({ ...record, recordPath })
    } catch {
      // Not a record (or one whose write never completed): left alone.
    }
  }
  return found
}

/**
 * Moves a kept output to where it was meant to go (checked again, written atomically), then removes
 * the kept copy and its record.
 *
 * @throws PortraitAnimatorError `output_failed` when it still cannot be written there; `invalid_input`
 *   (rule `not-found`) when no copy was kept (only its URL: download it from `url` before `expiresAt`).
 */
export async function restoreRecoveredOutput(kept: RecoveredOutput, options: { signal?: AbortSignal } = {}): Promise<{ path: string; bytes: number }> {
  if (kept.media === undefined) {
    throw new PortraitAnimatorError({
      kind: 'invalid_input',
      message: `No copy of ${kept.intendedPath} was kept${kept.url ? `; download it from the URL in ${kept.recordPath}${kept.expiresAt ? ` before ${kept.expiresAt}` : ''}` : ''}.`,
      field: 'output',
      rule: 'not-found',
    })
  }
  const saved = await writeFileAtomic(kept.intendedPath, createReadStream(kept.media), {
    ...(options.signal ? { signal: options.signal } : {}),
    verify: async (temporary) => {
      const problem = await checkOutputIntegrity(temporary, { format: kept.format })
      if (problem) throw new Error(`The kept copy ${kept.media} is broken: ${problem}.`)
    },
  })
  await rm(kept.media, { force: true })
  await rm(kept.recordPath, { force: true })
  return saved
}
