import type { Redis } from 'ioredis'
import type { JobJournal, JournalEntry } from '@portrait-animator/router'
import { keyOf, type RedisStoreOptions } from './redis-keys.js'
import type { SubmitIntent } from './submit-intent.js'

/**
 * The router's job journal in Redis (one hash, a field per unfinished paid job), so a job that a
 * dead worker submitted is resumed by another worker instead of being paid for again.
 *
 * Durability is Redis's: with the default snapshotting, an entry written in the last seconds
 * before Redis itself crashes can be lost; run Redis with `appendonly yes` (and `appendfsync
 * everysec` or `always`) when that matters (see docs/scaling.md).
 */
export class RedisJobJournal implements JobJournal {
  private readonly key: string
  private readonly marks: string

  constructor(private readonly redis: Redis, options: RedisStoreOptions = {}) {
    this.key = keyOf(options, 'journal')
    this.marks = keyOf(options, 'submitting')
  }

  async record(entry: JournalEntry): Promise<void> {
    await this.redis.hset(this.key, entry.id, JSON.stringify(entry))
  }

  /** Removes the job's entry and its submit-in-flight mark. */
  async complete(id: string): Promise<void> {
    await this.redis.multi().hdel(this.key, id).hdel(this.marks, id).exec()
  }

  /** Marks a submit in flight for a queue job (see `SubmitIntent`). */
  async intend(intent: SubmitIntent): Promise<void> {
    await this.redis.hset(this.marks, intent.id, JSON.stringify(intent))
  }

  /** The job's submit-in-flight mark, if one was left. */
  async intent(id: string): Promise<SubmitIntent | undefined> {
    const text = await this.redis.hget(this.marks, id)
    return text ? (JSON.parse(text) as SubmitIntent) : undefined
  }

  async clearIntent(id: string): Promise<void> {
    await this.redis.hdel(this.marks, id)
  }

  /** The marks with no entry under the same id (the router's `resume` reports them), in id order. */
  async intents(): Promise<SubmitIntent[]> {
    const [marks, entries] = await Promise.all([this.redis.hgetall(this.marks), this.redis.hkeys(this.key)])
    const recorded = new Set(entries)
    return Object.entries(marks)
      .filter(([id]) => !recorded.has(id))
      .map(([, text]) => JSON.parse(text) as SubmitIntent)
      .filter((intent) => intent.version === 1 && typeof intent.id === 'string')
      .sort((a, b) => a.id.localeCompare(b.id))
  }

  /** The entry of one job, if it is unfinished. */
  async get(id: string): Promise<JournalEntry | undefined> {
    const text = await this.redis.hget(this.key, id)
    return text ? (JSON.parse(text) as JournalEntry) : undefined
  }

  async list(): Promise<JournalEntry[]> {
    return Object.values(await this.redis.hgetall(this.key))
      .map((text) => JSON.parse(text) as JournalEntry)
      .filter((entry) => entry.version === 1 && entry.handle?.jobId)
      .sort((a, b) => a.id.localeCompare(b.id))
  }
}
