import type { Redis } from 'ioredis'
import type { BreakerOutcome, BreakerSettings, BreakerStore, StoredBreakerState } from '@portrait-animator/router'
import { keyOf, type RedisStoreOptions } from './redis-keys.js'

/** Options of `RedisBreakerStore`. */
export interface RedisBreakerStoreOptions extends RedisStoreOptions {
  /** Clock (epoch ms). Every process sharing the store should agree on it within a second. @default Date.now */
  readonly now?: () => number
}

// KEYS[1] breaker hash. ARGV: now, threshold, leaseMs. Returns 1 when the call may go.
const TRY_ACQUIRE = `
local failures = tonumber(redis.call('HGET', KEYS[1], 'failures') or '0')
if failures < tonumber(ARGV[2]) then return 1 end
local now = tonumber(ARGV[1])
if now < tonumber(redis.call('HGET', KEYS[1], 'untilMs') or '0') then return 0 end
if now < tonumber(redis.call('HGET', KEYS[1], 'probeUntil') or '0') then return 0 end
redis.call('HSET', KEYS[1], 'probeUntil', now + tonumber(ARGV[3]))
return 1`

// KEYS[1] breaker hash, KEYS[2] set of targets. ARGV: outcome, now, threshold, cooldownMs, target.
// Returns 1 when this failure opened (or reopened) the breaker.
const RECORD = `
if ARGV[1] == 'success' then
  redis.call('DEL', KEYS[1])
  redis.call('SREM', KEYS[2], ARGV[5])
  return 0
end
redis.call('HDEL', KEYS[1], 'probeUntil')
if ARGV[1] == 'neutral' then return 0 end
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
redis.call('HSET', KEYS[1], 'threshold', ARGV[3])
redis.call('SADD', KEYS[2], ARGV[5])
if failures >= tonumber(ARGV[3]) then
  redis.call('HSET', KEYS[1], 'untilMs', tonumber(ARGV[2]) + tonumber(ARGV[4]))
  return 1
end
return 0`

/**
 * Circuit breakers shared by every worker through Redis: a breaker opened by one process is open
 * for all; when half-open, exactly one caller across all processes gets the probe, holding a lease
 * of `probeLeaseMs` (so a worker that dies while probing does not keep the target shut).
 * Each decision is one Lua script, atomic on the server.
 */
export class RedisBreakerStore implements BreakerStore {
  private readonly now: () => number

  constructor(private readonly redis: Redis, private readonly options: RedisBreakerStoreOptions = {}) {
    this.now = options.now ?? Date.now
  }

  async tryAcquire(target: string, settings: BreakerSettings): Promise<boolean> {
    const lease = settings.probeLeaseMs ?? settings.cooldownMs
    return (await this.redis.eval(TRY_ACQUIRE, 1, this.keyOf(target), this.now(), settings.failureThreshold, lease)) === 1
  }

  async record(target: string, outcome: BreakerOutcome, settings: BreakerSettings): Promise<{ readonly opened: boolean }> {
    const opened = await this.redis.eval(RECORD, 2, this.keyOf(target), keyOf(this.options, 'breakers'), outcome, this.now(), settings.failureThreshold, settings.cooldownMs, target)
    return { opened: opened === 1 }
  }

  async state(target: string, settings: BreakerSettings): Promise<StoredBreakerState> {
    return this.stateOf(await this.redis.hgetall(this.keyOf(target)), settings.failureThreshold)
  }

  async list(): Promise<Array<{ readonly target: string } & StoredBreakerState>> {
    const targets = (await this.redis.smembers(keyOf(this.options, 'breakers'))).sort()
    const listed: Array<{ readonly target: string } & StoredBreakerState> = []
    for (const target of targets) {
      const fields = await this.redis.hgetall(this.keyOf(target))
      const state = this.stateOf(fields, Number(fields.threshold ?? Number.POSITIVE_INFINITY))
      if (state.state !== 'closed') listed.push({ target, ...state })
    }
    return listed
  }

  async reset(target: string): Promise<boolean> {
    const fields = await this.redis.hgetall(this.keyOf(target))
    await this.redis.multi().del(this.keyOf(target)).srem(keyOf(this.options, 'breakers'), target).exec()
    return this.stateOf(fields, Number(fields.threshold ?? Number.POSITIVE_INFINITY)).state !== 'closed'
  }

  private stateOf(fields: Record<string, string>, threshold: number): StoredBreakerState {
    const failures = Number(fields.failures ?? 0)
    if (failures < threshold) return { state: 'closed', failures }
    const now = this.now()
    const untilMs = Number(fields.untilMs ?? 0)
    if (now < untilMs) return { state: 'open', failures, untilMs }
    return { state: 'half-open', failures, probing: now < Number(fields.probeUntil ?? 0) }
  }

  private keyOf(target: string): string {
    return keyOf(this.options, 'breaker', target)
  }
}
