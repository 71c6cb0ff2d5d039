import type { JobJournal, JournalEntry } from './job-journal-store.js'
import type { SubmitIntent } from './submit-intent.js'

/** A journal kept in this process only (tests, one-shot processes): a crash forgets its jobs. */
export class MemoryJobJournal implements JobJournal {
  private readonly entries = new Map<string, JournalEntry>()
  private readonly marks = new Map<string, SubmitIntent>()

  async record(entry: JournalEntry): Promise<void> {
    this.entries.set(entry.id, structuredClone(entry))
    this.marks.delete(entry.id)
  }

  async complete(id: string): Promise<void> {
    this.entries.delete(id)
    this.marks.delete(id)
  }

  async intend(intent: SubmitIntent): Promise<void> {
    if (!this.entries.has(intent.id)) this.marks.set(intent.id, structuredClone(intent))
  }

  async clearIntent(id: string): Promise<void> {
    this.marks.delete(id)
  }

  async intents(): Promise<SubmitIntent[]> {
    return [...this.marks.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((intent) => structuredClone(intent))
  }

  /** Entries in id order, as the file journal lists them. */
  async list(): Promise<JournalEntry[]> {
    return [...this.entries.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((entry) => structuredClone(entry))
  }
}
