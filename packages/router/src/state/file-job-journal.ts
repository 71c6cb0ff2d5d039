import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { JobJournal, JournalEntry } from './job-journal-store.js'
import { LEGACY_ENTRY_SUFFIX, readJournalDirectory } from './journal-directory.js'
import { JournalLogFile } from './journal-log-file.js'
import type { SubmitIntent } from './submit-intent.js'

/**
 * The default journal: a folder (`<stateDir>/journal`) where each journal instance appends to a log
 * of its own (`<time>-<random>.journal.log`, one JSON line per record or completion). Records are
 * group-committed: the records that arrive while a flush is on the disk share the next `write` and
 * `fdatasync`, and each `record` resolves only once its line is flushed, so a handle is on disk
 * before the job is followed. Completions are appended at once, without waiting for a flush (a
 * completion lost in a crash makes `resume` look at a job that already ended, never pay again). When none of
 * the instance's entries is open its log is emptied, and a log with nothing open is removed at exit.
 *
 * Submit-in-flight marks (`intend`) are lines of the same log, each written durably at once (one
 * `O_DSYNC` write beside the group commit, since the paid request waits for it); the job's record
 * supersedes its mark, and clearing one is a completion line.
 *
 * `list()` merges every process's logs and the `<id>.job.json` files of earlier versions, which it
 * still reads and `complete` still removes.
 */
export class FileJobJournal implements JobJournal {
  private readonly log: JournalLogFile
  /** Ids recorded by this instance and not completed. */
  private readonly open = new Set<string>()
  /** Where the entries of other files were found by the last `list()`. */
  private knownSources = new Map<string, string>()

  constructor(readonly directory: string) {
    this.log = new JournalLogFile(directory, () => this.open.size === 0)
  }

  async record(entry: JournalEntry): Promise<void> {
    const line = JSON.stringify({ record: entry })
    const added = !this.open.has(entry.id)
    this.open.add(entry.id)
    try {
      await this.log.append(line, true)
    } catch (error) {
      // A mark taken under the same id stays open: its line is in the log.
      if (added) this.open.delete(entry.id)
      throw error
    }
  }

  async intend(intent: SubmitIntent): Promise<void> {
    const line = JSON.stringify({ intend: intent })
    const added = !this.open.has(intent.id)
    // Open before the write: the log is not emptied while the mark is on its way.
    this.open.add(intent.id)
    try {
      await this.log.appendDurableNow(line)
    } catch (error) {
      if (added) this.open.delete(intent.id)
      throw error
    }
  }

  /**
   * Clears a mark. This instance's own: a completion line (its id has no entry). Another log's
   * (`resume` after a crash): an `unmark` line in this one, which clears the mark only, so that a
   * live process still submitting under that id keeps the entry it records next.
   */
  async clearIntent(id: string): Promise<void> {
    if (this.open.has(id)) return this.complete(id)
    const source = this.knownSources.get(id) ?? (await readJournalDirectory(this.directory)).sources.get(id)
    this.knownSources.delete(id)
    if (source === undefined || source === this.log.name || source === 'legacy') return
    this.log.keep = true
    await this.log.append(JSON.stringify({ unmark: id }), false)
  }

  async intents(): Promise<SubmitIntent[]> {
    const { intents, sources } = await readJournalDirectory(this.directory)
    for (const intent of intents) this.knownSources.set(intent.id, sources.get(intent.id)!)
    return intents
  }

  async complete(id: string): Promise<void> {
    if (this.open.delete(id)) {
      await this.log.appendNow(JSON.stringify({ complete: id }))
      // Nothing of this instance's is open: the log is emptied behind the flushes in progress.
      if (this.open.size === 0 && !this.log.keep) void this.log.truncate().catch(() => undefined)
      return
    }
    await this.completeElsewhere(id)
  }

  async list(): Promise<JournalEntry[]> {
    const { entries, sources } = await readJournalDirectory(this.directory)
    this.knownSources = sources
    return entries
  }

  /**
   * Completes an entry another instance wrote (`resume` after a crash): an earlier version's file
   * is removed; an entry in another log is completed by a line in this one, which is then kept.
   */
  private async completeElsewhere(id: string): Promise<void> {
    const source = this.knownSources.get(id) ?? (await readJournalDirectory(this.directory)).sources.get(id)
    this.knownSources.delete(id)
    if (source === undefined || source === this.log.name) return
    if (source === 'legacy') {
      await rm(join(this.directory, `${id.replace(/[^a-zA-Z0-9_-]/g, '_')}${LEGACY_ENTRY_SUFFIX}`), { force: true })
      return
    }
    this.log.keep = true
    await this.log.append(JSON.stringify({ complete: id }), false)
  }
}
