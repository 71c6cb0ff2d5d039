import type { JobJournal, JournalEntry } from './job-journal-store.js'

/** A journal kept in this process only (tests, one-shot processes): a crash forgets its jobs. */
export class MemoryJobJournal implements JobJournal {
  private readonly entries = new Map<string, JournalEntry>()

  async record(entry: JournalEntry): Promise<void> {
    this.entries.set(entry.id, structuredClone(entry))
  }

  async complete(id: string): Promise<void> {
    this.entries.delete(id)
  }

  /** Entries in id order, as the file journal lists them. */
  async list(): Promise<JournalEntry[]> {
    return [...this.entries.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((entry) => structuredClone(entry))
  }
}
