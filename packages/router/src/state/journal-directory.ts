import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { JournalEntry } from './job-journal-store.js'
import { JOURNAL_LOG_SUFFIX } from './journal-log-file.js'
import type { SubmitIntent } from './submit-intent.js'

/** What a file journal's folder says, every file merged. */
export interface JournalDirectory {
  /** Open entries, in id order. */
  readonly entries: JournalEntry[]
  /** Submit-in-flight marks that no entry superseded and nothing completed, in id order. */
  readonly intents: SubmitIntent[]
  /** Where each open entry (or mark) is written: the log file's name, or `legacy` for a `<id>.job.json` file. */
  readonly sources: Map<string, string>
}

/** What the name of an entry's file (the format before journal logs) ends with. */
export const LEGACY_ENTRY_SUFFIX = '.job.json'

/**
 * Reads every journal file in `directory`: the logs (`*.journal.log`, lines `{"intend":mark}`,
 * `{"record":entry}`, `{"complete":id}` and `{"unmark":id}` (another log's mark cleared, its entry
 * untouched), replayed in order) and the one-file-per-job entries of earlier versions
 * (`<id>.job.json`). An entry is open when some file records it and no other file, nor a later line
 * of its own, completes it. Lines that are not whole JSON (a crash in the middle of a write) are
 * skipped.
 */
export async function readJournalDirectory(directory: string): Promise<JournalDirectory> {
  let names: string[]
  try {
    names = (await readdir(directory)).sort()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], intents: [], sources: new Map() }
    throw error
  }
  const open = new Map<string, { entry: JournalEntry; source: string }>()
  const marks = new Map<string, { intent: SubmitIntent; source: string }>()
  const completedBy = new Map<string, Set<string>>()
  const unmarkedBy = new Map<string, Set<string>>()
  for (const name of names) {
    if (name.endsWith(JOURNAL_LOG_SUFFIX)) {
      const replayed = replayLog(await readIfThere(join(directory, name)))
      for (const entry of replayed.open.values()) open.set(entry.id, { entry, source: name })
      for (const intent of replayed.intents.values()) marks.set(intent.id, { intent, source: name })
      for (const id of replayed.completed) completedBy.set(id, (completedBy.get(id) ?? new Set()).add(name))
      for (const id of replayed.unmarked) unmarkedBy.set(id, (unmarkedBy.get(id) ?? new Set()).add(name))
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
  const intents: SubmitIntent[] = []
  for (const [id, { intent, source }] of marks) {
    const clearers = [...(completedBy.get(id) ?? []), ...(unmarkedBy.get(id) ?? [])]
    if (open.has(id) || clearers.some((name) => name !== source)) continue
    intents.push(intent)
    sources.set(id, source)
  }
  entries.sort(byId)
  intents.sort(byId)
  return { entries, intents, sources }
}

function byId(first: { readonly id: string }, second: { readonly id: string }): number {
  return first.id < second.id ? -1 : first.id > second.id ? 1 : 0
}

/**
 * One log's lines in order: what it leaves open, the marks no later line of its own superseded
 * (a record of the same id) or completed, the ids it completes that it does not re-record, and
 * the marks of other logs it clears.
 */
export function replayLog(text: string): { open: Map<string, JournalEntry>; intents: Map<string, SubmitIntent>; completed: Set<string>; unmarked: Set<string> } {
  const open = new Map<string, JournalEntry>()
  const intents = new Map<string, SubmitIntent>()
  const completed = new Set<string>()
  const unmarked = new Set<string>()
  for (const line of text.split('\n')) {
    if (!line.trim()) continue
    let parsed: { record?: unknown; complete?: unknown; intend?: unknown; unmark?: unknown }
    try {
      parsed = JSON.parse(line) as typeof parsed
    } catch {
      continue
    }
    if (typeof parsed.unmark === 'string') {
      intents.delete(parsed.unmark)
      unmarked.add(parsed.unmark)
    } else if (typeof parsed.complete === 'string') {
      open.delete(parsed.complete)
      intents.delete(parsed.complete)
      completed.add(parsed.complete)
    } else if (isEntry(parsed.record)) {
      open.set(parsed.record.id, parsed.record)
      intents.delete(parsed.record.id)
      completed.delete(parsed.record.id)
    } else if (isIntent(parsed.intend) && !open.has(parsed.intend.id)) {
      intents.set(parsed.intend.id, parsed.intend)
      completed.delete(parsed.intend.id)
    }
  }
  return { open, intents, completed, unmarked }
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

function isIntent(value: unknown): value is SubmitIntent {
  const intent = value as Partial<SubmitIntent> | undefined
  return typeof intent === 'object' && intent !== null && intent.version === 1 && typeof intent.id === 'string' && typeof intent.at === 'string'
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
