import { FileJobJournal, type JournalEntry } from '@portrait-animator/router'
import type { JobHandleJournal } from './run-animation-job.js'

/** The router's file journal, looked up by job id: the in-process batch's journal of provider handles. */
export class FileHandleJournal implements JobHandleJournal {
  private readonly files: FileJobJournal

  constructor(directory: string) {
    this.files = new FileJobJournal(directory)
  }

  record(entry: JournalEntry): Promise<void> {
    return this.files.record(entry)
  }

  complete(id: string): Promise<void> {
    return this.files.complete(id)
  }

  async get(id: string): Promise<JournalEntry | undefined> {
    return (await this.files.list()).find((entry) => entry.id === id)
  }
}
