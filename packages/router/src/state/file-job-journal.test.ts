import { mkdtemp, open, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { waitUntil } from '@portrait-animator/core/testing'
import type { JournalEntry } from './job-journal-store.js'
import { FileJobJournal } from './file-job-journal.js'

const entry = (id: string): JournalEntry => ({
  version: 1,
  id,
  route: 'default',
  target: 'fal/live-portrait',
  handle: { specificationVersion: 'v1', provider: 'fal', modelId: 'live-portrait', jobId: `job-${id}`, submittedAt: '2026-01-01T00:00:00.000Z' },
  startedAt: '2026-01-01T00:00:00.000Z',
})

const directory = () => mkdtemp(join(tmpdir(), 'pa-file-journal-'))

/** The prototype of the handles `fs.promises.open` returns, to count commits. */
async function fileHandlePrototype(): Promise<{ write: (...args: unknown[]) => Promise<unknown> }> {
  const handle = await open(join(await directory(), 'probe'), 'w')
  await handle.close()
  return Object.getPrototypeOf(handle) as { write: (...args: unknown[]) => Promise<unknown> }
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('file job journal', () => {
  it('keeps every one of many concurrent records for a journal opened after a crash, with fewer flushes than records', async () => {
    const dir = await directory()
    // Each durable commit is one write (on an O_DSYNC handle, or followed by one fdatasync).
    const write = vi.spyOn(await fileHandlePrototype(), 'write')
    const journal = new FileJobJournal(dir)
    const ids = Array.from({ length: 50 }, (_, index) => `req-${String(index).padStart(2, '0')}-1`)
    await Promise.all(ids.map((id) => journal.record(entry(id))))
    // The crashed process never runs again; another one reads the folder.
    expect(await new FileJobJournal(dir).list()).toEqual(ids.map(entry))
    expect(write.mock.calls.length).toBeGreaterThan(0)
    expect(write.mock.calls.length).toBeLessThan(ids.length)
  })

  it('keeps records that arrive while a flush is on the disk, and lists none of those completed', async () => {
    const dir = await directory()
    const journal = new FileJobJournal(dir)
    const first = journal.record(entry('req-a-1'))
    await Promise.resolve()
    const later = [journal.record(entry('req-b-1')), journal.record(entry('req-c-1'))]
    await Promise.all([first, ...later])
    await journal.complete('req-b-1')
    expect(await new FileJobJournal(dir).list()).toEqual([entry('req-a-1'), entry('req-c-1')])
  })

  it('empties its log when every job it recorded has ended', async () => {
    const dir = await directory()
    const journal = new FileJobJournal(dir)
    await Promise.all([journal.record(entry('req-a-1')), journal.record(entry('req-b-1'))])
    await journal.complete('req-a-1')
    await journal.complete('req-b-1')
    const logs = (await readdir(dir)).filter((name) => name.endsWith('.journal.log'))
    expect(logs).toHaveLength(1)
    await waitUntil(async () => (await stat(join(dir, logs[0]!))).size === 0, { what: 'the log to be emptied' })
    expect(await new FileJobJournal(dir).list()).toEqual([])
  })

  it('skips a line cut short by a crash and keeps the whole ones', async () => {
    const dir = await directory()
    await new FileJobJournal(dir).record(entry('req-a-1'))
    const [log] = (await readdir(dir)).filter((name) => name.endsWith('.journal.log'))
    await writeFile(join(dir, log!), `${await readFile(join(dir, log!), 'utf8')}{"record":{"version":1,"id":"req-b`)
    expect(await new FileJobJournal(dir).list()).toEqual([entry('req-a-1')])
  })

  it('resumes the entries of a crashed process and of an earlier version, and completes them for every reader', async () => {
    const dir = await directory()
    await new FileJobJournal(dir).record(entry('req-crashed-1'))
    await writeFile(join(dir, 'req-old-1.job.json'), JSON.stringify(entry('req-old-1'), null, 2))
    const resumer = new FileJobJournal(dir)
    expect(await resumer.list()).toEqual([entry('req-crashed-1'), entry('req-old-1')])
    await resumer.complete('req-crashed-1')
    await resumer.complete('req-old-1')
    expect(await new FileJobJournal(dir).list()).toEqual([])
    expect((await readdir(dir)).filter((name) => name.endsWith('.job.json'))).toEqual([])
  })

  it("a resume that clears another process's mark while that process is still submitting does not hide the entry it records next", async () => {
    const dir = await directory()
    const live = new FileJobJournal(dir)
    const mark = { version: 1 as const, id: 'req-live-1', target: 'fal/live-portrait', at: '2026-01-01T00:00:00.000Z' }
    await live.intend(mark)
    const resumer = new FileJobJournal(dir)
    expect(await resumer.intents()).toEqual([mark])
    await resumer.clearIntent('req-live-1')
    expect(await new FileJobJournal(dir).intents()).toEqual([])
    // The live process's answer arrives: its handle is recorded under the mark's id, and stays listed.
    await live.record(entry('req-live-1'))
    expect(await new FileJobJournal(dir).list()).toEqual([entry('req-live-1')])
  })

  it('keeps every mark, whether written beside a commit on the disk or while the log is being emptied', async () => {
    const dir = await directory()
    const journal = new FileJobJournal(dir)
    const mark = (id: string) => ({ version: 1 as const, id, target: 'fal/live-portrait', at: '2026-01-01T00:00:00.000Z' })
    await journal.record(entry('req-first-1'))
    // Marks beside a commit on the disk (a record's).
    const early = ['req-m-00', 'req-m-01', 'req-m-02'].map((id) => journal.intend(mark(id)))
    await Promise.all([journal.record(entry('req-m-09')), ...early])
    await Promise.all(['req-m-00', 'req-m-01', 'req-m-02', 'req-m-09', 'req-first-1'].map((id) => journal.complete(id)))
    // The next truncation of the log is held until the marks and records below were handed in.
    const prototype = (await fileHandlePrototype()) as unknown as { truncate: (length?: number) => Promise<void> }
    const truncate = prototype.truncate
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    let truncating = false
    vi.spyOn(prototype, 'truncate').mockImplementation(async function (this: unknown, length?: number) {
      truncating = true
      await held
      return truncate.call(this, length)
    })
    await journal.record(entry('req-last-1'))
    const emptied = journal.complete('req-last-1')
    await waitUntil(() => truncating, { intervalMs: 1, what: 'the truncation to start' })
    const during = Array.from({ length: 20 }, (_, index) => `req-n-${String(index).padStart(2, '0')}`)
    const arriving = during.map((id, index) => (index % 2 === 0 ? journal.intend(mark(id)) : journal.record(entry(id))))
    // A moment for any write that would not wait for the truncation (there must be none) to land first.
    await new Promise((resolve) => setTimeout(resolve, 20))
    release()
    await Promise.all([emptied, ...arriving])
    const reader = new FileJobJournal(dir)
    expect(await reader.intents()).toEqual(during.filter((_, index) => index % 2 === 0).map(mark))
    expect(await reader.list()).toEqual(during.filter((_, index) => index % 2 === 1).map(entry))
  })
})
