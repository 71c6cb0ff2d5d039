import { readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '@portrait-animator/core'
import type { JobJournal, JournalEntry } from './job-journal-store.js'

/**
 * The default journal: one JSON file per job in `directory` (`<stateDir>/journal/<id>.job.json`),
 * written atomically and flushed to disk before the job is followed, removed when it ends.
 */
export class FileJobJournal implements JobJournal {
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
