import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { waitUntil } from '@portrait-animator/core/testing'
import { Redis } from 'ioredis'

/** A `redis-server` a test started for itself. */
export interface TestRedis {
  /** `redis://127.0.0.1:PORT`. */
  readonly url: string
  readonly port: number
  /** Stops the server (SIGTERM, then SIGKILL) and removes its folder. */
  stop(): Promise<void>
  /** Kills the server (SIGKILL) and starts it again on the same port; data survives only when `persistent`. */
  restart(): Promise<void>
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

/**
 * Starts a real `redis-server` (Debian's package; `.ci/run` installs it) on a free loopback port,
 * without persistence (`--save '' --appendonly no`; `persistent: true` turns the append-only file
 * on, synced on every write, for a test that restarts Redis), and resolves once it answers PING. BullMQ's
 * Lua scripts need a real server, so tests never mock Redis.
 *
 * @example
 * ```ts
 * const redis = await startRedisServer()
 * afterAll(() => redis.stop())
 * const store = new RedisRetirementStore(new Redis(redis.url))
 * ```
 */
export async function startRedisServer(options: { readonly binary?: string; readonly persistent?: boolean } = {}): Promise<TestRedis> {
  const port = await freePort()
  const directory = await mkdtemp(join(tmpdir(), 'pa-redis-'))
  const binary = options.binary ?? process.env.REDIS_SERVER ?? 'redis-server'
  let child: ChildProcess | undefined
  const launch = async () => {
    // persistent: an append-only file synced on every write, so restart() keeps the data (a Redis restart test).
    const persistence = options.persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']
    child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence, '--dir', directory], { stdio: 'ignore' })
    const failed = new Promise<never>((_resolve, reject) => child!.once('error', (error) => reject(new Error(`could not start ${binary} (install Debian's redis-server): ${error.message}`))))
    await Promise.race([failed, waitUntil(() => ping(port), { what: `redis-server on port ${port}`, intervalMs: 20 })])
  }
  const halt = async (signal: NodeJS.Signals) => {
    const running = child
    if (!running || running.exitCode !== null || running.signalCode !== null) return
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()))
    running.kill(signal)
    const timer = setTimeout(() => running.kill('SIGKILL'), 5_000)
    await exited
    clearTimeout(timer)
  }
  await launch()
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      await halt('SIGTERM')
      await rm(directory, { recursive: true, force: true })
    },
    async restart() {
      await halt('SIGKILL')
      await launch()
    },
  }
}

async function ping(port: number): Promise<boolean> {
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
  client.on('error', () => undefined)
  try {
    await client.connect()
    return (await client.ping()) === 'PONG'
  } catch {
    return false
  } finally {
    client.disconnect()
  }
}
