/**
 * @portrait-animator/queue: batch animation across processes and machines. Redis implementations
 * of the router's state stores, and a BullMQ queue of animation jobs with workers that never pay
 * twice for one portrait.
 * @module
 */
export { connectRedis } from './redis-connection.js'
export { DEFAULT_PREFIX, type RedisStoreOptions } from './redis-keys.js'
export { RedisBreakerStore, type RedisBreakerStoreOptions } from './redis-breaker-store.js'
export { RedisJobJournal } from './redis-job-journal.js'
export { RedisRateLimitStore, type RedisRateLimitStoreOptions } from './redis-rate-limit-store.js'
export { RedisRetirementStore } from './redis-retirement-store.js'
