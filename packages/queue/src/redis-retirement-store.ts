import type { Redis } from 'ioredis'
import { DEFAULT_RETIREMENT_RECHECK_MS, inForce, retirementKey, type RetirementRecord, type RetirementStore, type RetirementStoreOptions } from '@portrait-animator/router'
import { keyOf, type RedisStoreOptions } from './redis-keys.js'

/**
 * Retirements shared through Redis (one hash, field per target and endpoint): a target that
 * answered `retired` to one worker is skipped by every worker that reads the store.
 */
export class RedisRetirementStore implements RetirementStore {
  private readonly now: () => number
  private readonly recheckAfterMs: number
  private readonly key: string

  constructor(private readonly redis: Redis, options: RetirementStoreOptions & RedisStoreOptions = {}) {
    this.now = options.now ?? Date.now
    this.recheckAfterMs = options.recheckAfterMs ?? DEFAULT_RETIREMENT_RECHECK_MS
    this.key = keyOf(options, 'retired')
  }

  async list(): Promise<RetirementRecord[]> {
    const now = this.now()
    return Object.values(await this.redis.hgetall(this.key))
      .map((text) => JSON.parse(text) as RetirementRecord)
      .filter((record) => inForce(record, now, this.recheckAfterMs))
      .sort((a, b) => retirementKey(a.target, a.endpoint).localeCompare(retirementKey(b.target, b.endpoint)))
  }

  async remember(record: RetirementRecord): Promise<void> {
    await this.redis.hset(this.key, retirementKey(record.target, record.endpoint), JSON.stringify(record))
  }

  async forget(target: string, endpoint?: string): Promise<number> {
    const fields: string[] = []
    for (const text of Object.values(await this.redis.hgetall(this.key))) {
      const record = JSON.parse(text) as RetirementRecord
      if (record.target === target && (endpoint === undefined || record.endpoint === endpoint)) fields.push(retirementKey(record.target, record.endpoint))
    }
    return fields.length === 0 ? 0 : this.redis.hdel(this.key, ...fields)
  }
}
