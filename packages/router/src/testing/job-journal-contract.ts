import { afterEach, describe, expect, it } from 'vitest'
import type { JobJournal, JournalEntry } from '../state/job-journal-store.js'
import type { SubmitIntent } from '../state/submit-intent.js'
import type { StoreContractOptions } from './contract-clock.js'

function entry(id: string, jobId = `job-${id}`): JournalEntry {
  return {
    version: 1,
    id,
    route: 'default',
    target: 'fal/live-portrait',
    handle: { specificationVersion: 'v1', provider: 'fal', modelId: 'live-portrait', jobId, submittedAt: '2026-01-01T00:00:00.000Z' },
    context: { user: 'u-1' },
    startedAt: '2026-01-01T00:00:00.000Z',
  }
}

function intent(id: string): SubmitIntent {
  return { version: 1, id, target: 'fal/live-portrait', route: 'default', context: { user: 'u-1' }, at: '2026-01-01T00:00:00.000Z' }
}

/** Options of `jobJournalContract`. */
export interface JobJournalContractOptions extends StoreContractOptions {
  /** A second journal over the same storage (another process after a crash), when the store is durable. */
  readonly reopen?: () => Promise<JobJournal>
}

/**
 * The behaviour every `JobJournal` must have, as vitest scenarios (and, for a journal that keeps
 * submit-in-flight marks, theirs).
 *
 * @example
 * ```ts
 * jobJournalContract('redis', async () => new RedisJobJournal(redis, { prefix }), { reopen: async () => new RedisJobJournal(redis, { prefix }) })
 * ```
 */
export function jobJournalContract(name: string, make: () => Promise<JobJournal>, options: JobJournalContractOptions = {}): void {
  describe(`${name} job journal (contract)`, () => {
    afterEach(async () => {
      await options.cleanup?.()
    })

    it('lists what was recorded, as recorded, until it is completed', async () => {
      const journal = await make()
      expect(await journal.list()).toEqual([])
      await journal.record(entry('req-a-1'))
      await journal.record(entry('req-b-1'))
      expect(await journal.list()).toEqual([entry('req-a-1'), entry('req-b-1')])
      await journal.complete('req-a-1')
      await journal.complete('req-a-1')
      await journal.complete('never-recorded')
      expect(await journal.list()).toEqual([entry('req-b-1')])
    })

    it('replaces an entry recorded again under the same id', async () => {
      const journal = await make()
      await journal.record(entry('req-a-1', 'first'))
      await journal.record(entry('req-a-1', 'second'))
      expect((await journal.list()).map((item) => item.handle.jobId)).toEqual(['second'])
    })

    it('keeps an entry whose caller changes its object afterwards as it was recorded', async () => {
      const journal = await make()
      const recorded = { ...entry('req-a-1'), context: { user: 'u-1' } }
      await journal.record(recorded)
      recorded.context.user = 'changed'
      expect((await journal.list())[0]?.context).toEqual({ user: 'u-1' })
    })

    it('a submit-in-flight mark is listed until the job is recorded under its id, cleared, or completed', async () => {
      const journal = await make()
      if (!journal.intend || !journal.intents || !journal.clearIntent) return
      await journal.intend(intent('req-a-1'))
      await journal.intend(intent('req-b-1'))
      await journal.intend(intent('req-c-1'))
      expect(await journal.intents()).toEqual([intent('req-a-1'), intent('req-b-1'), intent('req-c-1')])
      expect(await journal.list()).toEqual([])
      await journal.record(entry('req-a-1'))
      await journal.clearIntent('req-b-1')
      expect(await journal.intents()).toEqual([intent('req-c-1')])
      expect(await journal.list()).toEqual([entry('req-a-1')])
      await journal.complete('req-a-1')
      await journal.complete('req-c-1')
      expect({ intents: await journal.intents(), entries: await journal.list() }).toEqual({ intents: [], entries: [] })
    })

    if (options.reopen) {
      it('a mark left by a crashed process is listed by the next one, which can clear it for both', async () => {
        const journal = await make()
        if (!journal.intend) return
        await journal.intend(intent('req-a-1'))
        const next = await options.reopen!()
        expect(await next.intents?.()).toEqual([intent('req-a-1')])
        await next.clearIntent?.('req-a-1')
        expect(await next.intents?.()).toEqual([])
        expect(await (await options.reopen!()).intents?.()).toEqual([])
      })

      it('is read back by another process after a crash', async () => {
        const journal = await make()
        await journal.record(entry('req-a-1'))
        expect(await (await options.reopen!()).list()).toEqual([entry('req-a-1')])
      })
    }
  })
}
