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
  /**
   * Added to the rate's window: starts are spaced so that no window of one second plus this
   * margin holds more than the limit. It absorbs the spread between the moment a start is
   * counted here and the moment the provider sees the request (network, a busy event loop), so a
   * provider counting with a strict one-second window never sees one start too many. Costs
   * `margin / (1000 + margin)` of the rate (40 ms: at most 0.962 of it).
   * @default 40
   */
  readonly rateMarginMs?: number
}

// Times are the Redis server's (TIME), so processes on machines with skewed clocks agree.
const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`

// KEYS: slots zset, starts zset, pause key, waiters zset, waiter-seen hash, ticket counter.
// ARGV: concurrency (-1: none), calls per window (-1: none), windowMs, member, leaseMs, ticketTtlMs.
// Callers wait in line (first come, first served): a caller is let through only when it is among
// the first `free` waiters (free concurrency slots). Returns {1, ms}: taken, start in ms (the
// start is reserved at that time: the caller sleeps, then goes without asking again); {0, ms}:
// paused, ask again in ms; {-1, 0}: not your turn, ask again soon.
//
// The rate is a log of start times, reserved ones (in the future) included. A new start goes at
// the earliest time T >= now such that no window [x, x + windowMs) holds more than `calls`
// starts: now, while fewer than `calls` starts lie in the last window; else the start `calls`
// places from the newest, plus the window. Reserving T (not the time the caller would have asked
// again after sleeping) keeps timer and round-trip delays from adding up, window after window.
const ACQUIRE = `${NOW}
local member = ARGV[4]
if not redis.call('ZSCORE', KEYS[4], member) then redis.call('ZADD', KEYS[4], redis.call('INCR', KEYS[6]), member) end
redis.call('HSET', KEYS[5], member, now + tonumber(ARGV[6]))
while true do
  local head = redis.call('ZRANGE', KEYS[4], 0, 0)[1]
  if not head or tonumber(redis.call('HGET', KEYS[5], head) or '0') >= now then break end
  redis.call('ZREM', KEYS[4], head)
  redis.call('HDEL', KEYS[5], head)
end
redis.call('PEXPIRE', KEYS[4], tonumber(ARGV[6]) * 2)
redis.call('PEXPIRE', KEYS[5], tonumber(ARGV[6]) * 2)
redis.call('PEXPIRE', KEYS[6], tonumber(ARGV[6]) * 2)
local paused = tonumber(redis.call('GET', KEYS[3]) or '0')
if now < paused then return {0, paused - now} end
local free = 1000000
local concurrency = tonumber(ARGV[1])
if concurrency >= 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
  free = concurrency - redis.call('ZCARD', KEYS[1])
end
local calls = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local at = now
if calls > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
  local count = redis.call('ZCARD', KEYS[2])
  if count >= calls then
    -- A start in the future is reserved by the head of the line only, one at a time.
    local kth = redis.call('ZRANGE', KEYS[2], count - calls, count - calls, 'WITHSCORES')
    at = math.max(now, tonumber(kth[2]) + window)
    free = math.min(free, 1)
  else
    free = math.min(free, calls - count)
  end
end
if redis.call('ZRANK', KEYS[4], member) >= free then return {-1, 0} end
redis.call('ZREM', KEYS[4], member)
redis.call('HDEL', KEYS[5], member)
if calls > 0 then
  redis.call('ZADD', KEYS[2], at, member)
  redis.call('PEXPIRE', KEYS[2], at - now + window * 2)
end
if concurrency >= 0 then
  redis.call('ZADD', KEYS[1], at + tonumber(ARGV[5]), member)
  redis.call('PEXPIRE', KEYS[1], at - now + tonumber(ARGV[5]) * 2)
end
return {1, at - now}`

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

/** How long a waiter keeps its place in line without asking again (a dead process's place lapses). */
const TICKET_TTL_MS = 10_000

/**
 * Per-key call limits counted in Redis, so a provider's limit holds across every process and
 * machine using the same key. The rate is a sliding-window log: no window of one second (or of
 * `1/ratePerSecond` seconds for rates below 1) ever holds more starts than the limit. A caller
 * that must wait for the rate reserves the earliest start the log allows and sleeps until then, so
 * timer and round-trip delays do not add up into lost starts: a busy key runs at its full rate.
 * Concurrency
 * slots are leased and renewed, so a dead process frees its slots. Waiting callers are served
 * first come, first served across processes. `pause()` (after a 429 with
 * Retry-After) holds every caller of the key until then.
 */
export class RedisRateLimitStore implements RateLimitStore {
  private readonly leaseMs: number
  private readonly pollMs: number
  private readonly marginMs: number

  constructor(private readonly redis: Redis, private readonly options: RedisRateLimitStoreOptions = {}) {
    this.leaseMs = options.slotLeaseMs ?? 30_000
    this.pollMs = options.pollMs ?? 25
    this.marginMs = options.rateMarginMs ?? 40
  }

  async acquire(key: string, limits: RateLimits, signal?: AbortSignal): Promise<ReleaseSlot> {
    const member = randomUUID()
    const concurrency = limits.concurrency === undefined || !Number.isFinite(limits.concurrency) ? -1 : limits.concurrency
    const rate = limits.ratePerSecond === undefined || !Number.isFinite(limits.ratePerSecond) ? undefined : limits.ratePerSecond
    const calls = rate === undefined ? -1 : rate >= 1 ? Math.floor(rate) : 1
    const windowMs = (rate === undefined || rate >= 1 ? 1000 : Math.ceil(1000 / rate)) + this.marginMs
    const keys = [this.keyOf(key, 'slots'), this.keyOf(key, 'starts'), this.keyOf(key, 'paused'), this.keyOf(key, 'waiters'), this.keyOf(key, 'waiter-seen'), this.keyOf(key, 'tickets')]
    for (;;) {
      const startInMs = await this.reserve(keys, [concurrency, calls, windowMs, member, this.leaseMs, TICKET_TTL_MS], signal)
      // The start is reserved: wait for its time (a caller that gives up now leaves its start unused;
      // the limit still holds). Its concurrency slot is already held, so it is freed on an abort.
      try {
        await sleep(startInMs, signal)
      } catch (error) {
        if (concurrency >= 0) await this.redis.zrem(keys[0]!, member).catch(() => undefined)
        throw error
      }
      // A 429 that paused the key while this caller slept for its start holds it too: it gives its
      // start and slot back and waits in line again (behind the pause).
      if (startInMs <= 0 || (await this.pausedForMs(key)) <= 0) break
      await this.redis.multi().zrem(keys[1]!, member).zrem(keys[0]!, member).exec()
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

  /** Waits in line until ACQUIRE takes a start (and slot) for `member`; resolves to the ms until that start. */
  private async reserve(keys: string[], args: Array<string | number>, signal?: AbortSignal): Promise<number> {
    const member = String(args[3])
    try {
      for (;;) {
        signal?.throwIfAborted()
        const [state, ms] = (await this.redis.eval(ACQUIRE, keys.length, ...keys, ...args)) as [number, number]
        if (state === 1) return Number(ms)
        // Waits stay well under the ticket's lifetime, so a waiter keeps its place in line.
        await sleep(state < 0 ? this.pollMs + Math.floor(Math.random() * this.pollMs) : Math.min(Number(ms), TICKET_TTL_MS / 4), signal)
      }
    } catch (error) {
      await this.redis.multi().zrem(keys[3]!, member).hdel(keys[4]!, member).exec().catch(() => undefined)
      throw error
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
