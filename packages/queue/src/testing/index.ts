/**
 * Test helpers of `@portrait-animator/queue`: a real `redis-server` per test file.
 * @module
 */
export { freePort, startRedisServer, type TestRedis } from './redis-server.js'
