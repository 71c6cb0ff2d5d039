import type { LoadedConfig, RouterConfig } from '@portrait-animator/core'
import type { RouterEventListener } from '@portrait-animator/router'
import { UnrecoverableError, Worker, type Job } from 'bullmq'
import type { Redis } from 'ioredis'
import { ANIMATION_QUEUE, type AnimationJobData, type AnimationJobResult } from './animation-job.js'
import { loadWorkerConfig } from './load-worker-config.js'
import { RedisBreakerStore } from './redis-breaker-store.js'
import { connectRedis } from './redis-connection.js'
import { RedisJobJournal } from './redis-job-journal.js'
import { RedisRateLimitStore } from './redis-rate-limit-store.js'
import { RedisRetirementStore } from './redis-retirement-store.js'
import { AnimationJobError, runAnimationJob } from './run-animation-job.js'
import { sharedLimitFactories } from './shared-limit-factories.js'
import { WorkerRouters } from './worker-routers.js'

/**
 * How long a job's lock lasts without renewal. A live worker renews it every half of this, however
 * long the job runs (minutes of provider time are fine); it only matters when a worker dies or
 * hangs: its jobs are taken by another worker after at most this plus `stalledIntervalMs`. One
 * minute keeps that wait short and still rides out a long garbage-collection pause or a few
 * seconds of Redis failover without false stalls.
 */
export const DEFAULT_LOCK_DURATION_MS = 60_000
/**
 * How many times a job may be taken back from a dead worker before it fails. Taking one back is
 * free (the new worker resumes the journaled provider job, it does not submit again), so this only
 * stops a job that itself kills workers (out of memory, a native crash) from killing them all.
 */
export const DEFAULT_MAX_STALLED_COUNT = 2
/** How often a worker looks for stalled jobs. BullMQ's default. */
export const DEFAULT_STALLED_INTERVAL_MS = 30_000

/** Options of `startAnimationWorker`. */
export interface AnimationWorkerOptions {
  /** `redis://host:port`. */
  readonly redisUrl: string
  /** The router configuration: a loaded config, a document, or a file path. @default the built-in default */
  readonly config?: LoadedConfig | RouterConfig | string
  readonly env?: Readonly<Record<string, string | undefined>>
  /** Jobs run at once by this worker. @default 4 */
  readonly concurrency?: number
  /** Key prefix of the Redis stores. @default 'pa:' */
  readonly prefix?: string
  /** @default DEFAULT_LOCK_DURATION_MS */
  readonly lockDurationMs?: number
  /** @default DEFAULT_MAX_STALLED_COUNT */
  readonly maxStalledCount?: number
  /** @default DEFAULT_STALLED_INTERVAL_MS */
  readonly stalledIntervalMs?: number
  /** Allow media URLs on private networks (an emulator on loopback). @default false */
  readonly allowPrivateNetwork?: boolean
  readonly onEvent?: RouterEventListener
  /** Milliseconds between status polls when resuming a journaled job. @default 500 */
  readonly resumePollIntervalMs?: number
}

/** A running worker. */
export interface AnimationWorker {
  readonly worker: Worker<AnimationJobData, AnimationJobResult>
  /**
   * Stops taking jobs and waits for the running ones to finish. With `force`, returns at once:
   * running jobs are taken by another worker once their lock lapses, and resume their provider
   * jobs without paying again.
   */
  close(force?: boolean): Promise<void>
}

/**
 * Starts a BullMQ worker of animation jobs: each job runs through the router, with limits,
 * retirements and provider job handles shared in Redis.
 *
 * @example
 * ```ts
 * const worker = await startAnimationWorker({ redisUrl: 'redis://127.0.0.1:6379', config: 'portrait-animator.json', concurrency: 8 })
 * process.once('SIGTERM', () => void worker.close())
 * ```
 */
export async function startAnimationWorker(options: AnimationWorkerOptions): Promise<AnimationWorker> {
  const loaded = await loadWorkerConfig(options.config, options.env)
  const redis: Redis = connectRedis(options.redisUrl)
  const store = { ...(options.prefix ? { prefix: options.prefix } : {}) }
  const rateLimitStore = new RedisRateLimitStore(redis, store)
  const routers = new WorkerRouters({
    loaded,
    ...(options.env ? { env: options.env } : {}),
    retirements: new RedisRetirementStore(redis, store),
    breakerStore: new RedisBreakerStore(redis, store),
    rateLimitStore,
    factories: await sharedLimitFactories(loaded, rateLimitStore),
    ...(options.allowPrivateNetwork ? { allowPrivateNetwork: true } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    ...(options.resumePollIntervalMs ? { resumePollIntervalMs: options.resumePollIntervalMs } : {}),
  })
  const journal = new RedisJobJournal(redis, store)
  const worker = new Worker<AnimationJobData, AnimationJobResult>(
    ANIMATION_QUEUE,
    async (job: Job<AnimationJobData, AnimationJobResult>) => {
      try {
        return await runAnimationJob({ id: job.id!, data: job.data, updateProgress: (progress) => job.updateProgress(progress) }, { routers, journal })
      } catch (error) {
        // Failures that must not run again (they could pay twice, or cannot succeed) skip BullMQ's retries.
        if (error instanceof AnimationJobError && !error.retry) throw new UnrecoverableError(error.message)
        throw error
      }
    },
    {
      connection: redis,
      concurrency: options.concurrency ?? 4,
      lockDuration: options.lockDurationMs ?? DEFAULT_LOCK_DURATION_MS,
      maxStalledCount: options.maxStalledCount ?? DEFAULT_MAX_STALLED_COUNT,
      stalledInterval: options.stalledIntervalMs ?? DEFAULT_STALLED_INTERVAL_MS,
    },
  )
  worker.on('error', () => undefined) // connection errors while Redis restarts; ioredis reconnects
  await worker.waitUntilReady()
  return {
    worker,
    async close(force = false) {
      await worker.close(force)
      redis.disconnect()
    },
  }
}
