import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { JournalEntry } from './job-journal-store.js'
import { JOURNAL_LOG_SUFFIX } from './journal-log-file.js'

/** What a file journal's folder says, every file merged. */
export interface JournalDirectory {
  /** Open entries, in id order. */
  readonly entries: JournalEntry[]
  /** Where each open entry is written: the log file's name, or `legacy` for a `<id>.job.json` file. */
  readonly sources: Map<string, string>
}

/** What the name of an entry's file (the format before journal logs) ends with. */
export const LEGACY_ENTRY_SUFFIX = '.job.json'

/**
 * Reads every journal file in `directory`: the logs (`*.journal.log`, lines `{"record":entry}` and
 * `{"complete":id}`, replayed in order) and the one-file-per-job entries of earlier versions
 * (`<id>.job.json`). An entry is open when some file records it and no other file, nor a later line
 * of its own, completes it. Lines that are not whole JSON (a crash in the middle of a write) are
 * skipped.
 */
export async function readJournalDirectory(directory: string): Promise<JournalDirectory> {
  let names: string[]
  try {
    names = (await readdir(directory)).sort()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], sources: new Map() }
    throw error
  }
  const open = new Map<string, { entry: JournalEntry; source: string }>()
  const completedBy = new Map<string, Set<string>>()
  for (const name of names) {
    if (name.endsWith(JOURNAL_LOG_SUFFIX)) {
      const replayed = replayLog(await readIfThere(join(directory, name)))
      for (const entry of replayed.open.values()) open.set(entry.id, { entry, source: name })
      for (const id of replayed.completed) completedBy.set(id, (completedBy.get(id) ?? new Set()).add(name))
    } else if (name.endsWith(LEGACY_ENTRY_SUFFIX)) {
      const entry = parseEntry(await readIfThere(join(directory, name)))
      if (entry) open.set(entry.id, { entry, source: 'legacy' })
    }
  }
  const entries: JournalEntry[] = []
  const sources = new Map<string, string>()
  for (const [id, { entry, source }] of open) {
    const completers = completedBy.get(id)
    if (completers && [...completers].some((name) => name !== source)) continue
    entries.push(entry)
    sources.set(id, source)
  }
  entries.sort((first, second) => (first.id < second.id ? -1 : first.id > second.id ? 1 : 0))
  return { entries, sources }
}

/** One log's lines in order: what it leaves open, and the ids it completes that it does not re-record. */
export function replayLog(text: string): { open: Map<string, JournalEntry>; completed: Set<string> } {
  const open = new Map<string, JournalEntry>()
  const completed = new Set<string>()
  for (const line of text.split('\n')) {
    if (!line.trim()) continue
    let parsed: { record?: unknown; complete?: unknown }
    try {
      parsed = JSON.parse(line) as typeof parsed
    } catch {
      continue
    }
    if (typeof parsed.complete === 'string') {
      open.delete(parsed.complete)
      completed.add(parsed.complete)
    } else if (isEntry(parsed.record)) {
      open.set(parsed.record.id, parsed.record)
      completed.delete(parsed.record.id)
    }
  }
  return { open, completed }
}

function parseEntry(text: string): JournalEntry | undefined {
  try {
    const entry: unknown = JSON.parse(text)
    return isEntry(entry) ? entry : undefined
  } catch {
    // Not a journal entry (or a write an earlier version never completed).
    return undefined
  }
}

function isEntry(value: unknown): value is JournalEntry {
  const entry = value as Partial<JournalEntry> | undefined
  return typeof entry === 'object' && entry !== null && entry.version === 1 && typeof entry.id === 'string' && Boolean(entry.handle?.jobId)
}

/** The file's text, or '' when another process removed it meanwhile. */
async function readIfThere(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return ''
    throw error
  }
}
