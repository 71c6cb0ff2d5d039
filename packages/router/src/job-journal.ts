import { readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic, type JobHandle } from '@portrait-animator/core'

/** One unfinished async job, as written before polling starts. */
export interface JournalEntry {
  readonly version: 1
  /** Unique per job: `<request id>-<n>`. */
  readonly id: string
  readonly route: string
  readonly target: string
  readonly handle: JobHandle
  /** The request's `context`, so a resumed job can be matched to what asked for it. */
  readonly context?: Readonly<Record<string, string>>
  readonly startedAt: string
}

/**
 * A file-based journal of async jobs: one JSON file per job, written atomically and flushed to
 * disk before the job is followed, removed when it ends. After a crash, `list()` gives the jobs
 * to resume instead of paying for new ones.
 */
export class JobJournal {
  constructor(readonly directory: string) {}

  async record(entry: JournalEntry): Promise<void> {
    await writeFileAtomic(this.pathOf(entry.id), Buffer.from(JSON.stringify(entry, null, 2)))
  }

  async complete(id: string): Promise<void> {
    await rm(this.pathOf(id), { force: true })
  }

  async list(): Promise<JournalEntry[]> {
    let names: string[]
    try {
      names = await readdir(this.directory)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw error
    }
    const entries: JournalEntry[] = []
    for (const name of names.filter((item) => item.endsWith('.job.json')).sort()) {
      try {
        const entry = JSON.parse(await readFile(join(this.directory, name), 'utf8')) as JournalEntry
        if (entry.version === 1 && entry.handle?.jobId) entries.push(entry)
      } catch {
        // A file that is not a journal entry (or was never completed by the atomic write) is ignored.
      }
    }
    return entries
  }

  private pathOf(id: string): string {
    return join(this.directory, `${id.replace(/[^a-zA-Z0-9_-]/g, '_')}.job.json`)
  }
}
