import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { breakerStoreContract, jobJournalContract, rateLimitStoreContract } from '../testing/index.js'
import { FileJobJournal } from './file-job-journal.js'
import { MemoryBreakerStore } from './memory-breaker-store.js'
import { MemoryJobJournal } from './memory-job-journal.js'
import { MemoryRateLimitStore } from './memory-rate-limit-store.js'

breakerStoreContract('memory', async (clock) => new MemoryBreakerStore(clock.now))

rateLimitStoreContract('memory', async (clock) => new MemoryRateLimitStore({ now: clock.now, wait: clock.sleep }))

jobJournalContract('memory', async () => new MemoryJobJournal())

let journalDirectory = ''
jobJournalContract('file', async () => new FileJobJournal((journalDirectory = await mkdtemp(join(tmpdir(), 'pa-journal-')))), {
  reopen: async () => new FileJobJournal(journalDirectory),
})

// The same scenarios on real time, as a store without a clock of its own (Redis) runs them.
breakerStoreContract('memory, real time', async () => new MemoryBreakerStore(), { realTime: true })
rateLimitStoreContract('memory, real time', async () => new MemoryRateLimitStore(), { realTime: true })
