import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import { sleep } from '@portrait-animator/core'
import type { RateLimits, RateLimitStore, ReleaseSlot } from '@portrait-animator/router'
import { keyOf, type RedisStoreOptions } from './redis-keys.js'

/** Options of `RedisRateLimitStore`. */
export interface RedisRateLimitStoreOptions extends RedisStoreOptions {
  /**
   * How long a concurrency slot is held without renewal. A holder renews it every third of this
   * while its call runs, so a process that dies frees its slots after at most this long.
   * @default 30000
   */
  readonly slotLeaseMs?: number
  /** How often a caller waiting for a concurrency slot asks again. @default 25 */
  readonly pollMs?: number
}

// Times are the Redis server's (TIME), so processes on machines with skewed clocks agree.
const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`

// KEYS: slots zset, starts zset, pause key. ARGV: concurrency (-1: none), calls per window (-1:
// none), windowMs, member, leaseMs. Returns 0 when taken, a wait in ms, or -1 (no slot free).
const ACQUIRE = `${NOW}
local paused = tonumber(redis.call('GET', KEYS[3]) or '0')
if now < paused then return paused - now end
local concurrency = tonumber(ARGV[1])
if concurrency >= 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
  if redis.call('ZCARD', KEYS[1]) >= concurrency then return -1 end
end
local calls = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
if calls > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
  if redis.call('ZCARD', KEYS[2]) >= calls then
    local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
    return math.max(1, tonumber(oldest[2]) + window - now + 1)
  end
  redis.call('ZADD', KEYS[2], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[2], window * 2)
end
if concurrency >= 0 then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[5]), ARGV[4])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[5]) * 2)
end
return 0`

// KEYS: slots zset. ARGV: member, leaseMs.
const RENEW = `${NOW}
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 2)
return 0`

// KEYS: pause key. ARGV: pause length in ms (from now). Never shortens a longer pause.
const PAUSE = `${NOW}
local untilMs = now + tonumber(ARGV[1])
if untilMs > tonumber(redis.call('GET', KEYS[1]) or '0') then redis.call('SET', KEYS[1], untilMs, 'PX', tonumber(ARGV[1]) + 1000) end
return 0`

/**
 * Per-key call limits counted in Redis, so a provider's limit holds across every process and
 * machine using the same key. The rate is a sliding-window log: no window of one second (or of
 * `1/ratePerSecond` seconds for rates below 1) ever holds more starts than the limit. Concurrency
 * slots are leased and renewed, so a dead process frees its slots. `pause()` (after a 429 with
 * Retry-After) holds every caller of the key until then.
 */
export class RedisRateLimitStore implements RateLimitStore {
  private readonly leaseMs: number
  private readonly pollMs: number

  constructor(private readonly redis: Redis, private readonly options: RedisRateLimitStoreOptions = {}) {
    this.leaseMs = options.slotLeaseMs ?? 30_000
    this.pollMs = options.pollMs ?? 25
  }

  async acquire(key: string, limits: RateLimits, signal?: AbortSignal): Promise<ReleaseSlot> {
    const member = randomUUID()
    const concurrency = limits.concurrency === undefined || !Number.isFinite(limits.concurrency) ? -1 : limits.concurrency
    const rate = limits.ratePerSecond === undefined || !Number.isFinite(limits.ratePerSecond) ? undefined : limits.ratePerSecond
    const calls = rate === undefined ? -1 : rate >= 1 ? Math.floor(rate) : 1
    const windowMs = rate === undefined || rate >= 1 ? 1000 : Math.ceil(1000 / rate)
    const keys = [this.keyOf(key, 'slots'), this.keyOf(key, 'starts'), this.keyOf(key, 'paused')]
    for (;;) {
      signal?.throwIfAborted()
      const wait = Number(await this.redis.eval(ACQUIRE, 3, ...keys, concurrency, calls, windowMs, member, this.leaseMs))
      if (wait === 0) break
      await sleep(wait < 0 ? this.pollMs + Math.floor(Math.random() * this.pollMs) : wait, signal)
    }
    if (concurrency < 0) return async () => undefined
    const renew = setInterval(() => void this.redis.eval(RENEW, 1, keys[0]!, member, this.leaseMs).catch(() => undefined), Math.max(100, Math.floor(this.leaseMs / 3)))
    renew.unref()
    let released = false
    return async () => {
      if (released) return
      released = true
      clearInterval(renew)
      await this.redis.zrem(keys[0]!, member)
    }
  }

  async pause(key: string, untilMs: number): Promise<void> {
    const lengthMs = Math.ceil(untilMs - Date.now())
    if (lengthMs > 0) await this.redis.eval(PAUSE, 1, this.keyOf(key, 'paused'), lengthMs)
  }

  /** How long `key` stays paused from now (0 when it is not). */
  async pausedForMs(key: string): Promise<number> {
    const [untilMs, [seconds, micros]] = await Promise.all([this.redis.get(this.keyOf(key, 'paused')), this.redis.time()])
    return Math.max(0, Number(untilMs ?? 0) - (Number(seconds) * 1000 + Math.floor(Number(micros) / 1000)))
  }

  private keyOf(key: string, part: string): string {
    return keyOf(this.options, 'limit', key, part)
  }
}
