import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '@portrait-animator/core'
import { FileJobJournal, type JournalEntry } from '@portrait-animator/router'
import type { JobHandleJournal } from './run-animation-job.js'
import type { SubmitIntent } from './submit-intent.js'

/**
 * The router's file journal, looked up by job id: the in-process batch's journal of provider
 * handles. Submit-in-flight marks are files beside the entries (`<id>.submitting.json`), which the
 * router's journal does not list.
 */
export class FileHandleJournal implements JobHandleJournal {
  private readonly files: FileJobJournal

  constructor(private readonly directory: string) {
    this.files = new FileJobJournal(directory)
  }

  record(entry: JournalEntry): Promise<void> {
    return this.files.record(entry)
  }

  async complete(id: string): Promise<void> {
    await this.files.complete(id)
    await this.clearIntent(id)
  }

  async get(id: string): Promise<JournalEntry | undefined> {
    return (await this.files.list()).find((entry) => entry.id === id)
  }

  async intend(intent: SubmitIntent): Promise<void> {
    await writeFileAtomic(this.intentPath(intent.id), Buffer.from(JSON.stringify(intent)))
  }

  async intent(id: string): Promise<SubmitIntent | undefined> {
    try {
      const intent = JSON.parse(await readFile(this.intentPath(id), 'utf8')) as SubmitIntent
      return intent.version === 1 && intent.id === id ? intent : undefined
    } catch {
      return undefined // none, or never completed by the atomic write
    }
  }

  async clearIntent(id: string): Promise<void> {
    await rm(this.intentPath(id), { force: true })
  }

  private intentPath(id: string): string {
    return join(this.directory, `${id.replace(/[^a-zA-Z0-9_-]/g, '_')}.submitting.json`)
  }
}
