import { Redis, type RedisOptions } from 'ioredis'

/**
 * A Redis connection as BullMQ workers need it: commands wait through a reconnect instead of
 * failing (`maxRetriesPerRequest: null`), and reconnects back off up to 2 s, so a Redis restart
 * pauses the batch instead of failing it.
 */
export function connectRedis(url: string, options: RedisOptions = {}): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(times * 100, 2_000),
    ...options,
  })
  // ioredis reports each failed reconnect as an 'error' event; without a listener Node would crash.
  redis.on('error', () => undefined)
  return redis
}
