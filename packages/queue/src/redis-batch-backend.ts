import { Job, Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import { ANIMATION_QUEUE, parseFailure, type AnimationJobData, type AnimationJobProgress, type AnimationJobResult } from './animation-job.js'
import { startAnimationWorker, type AnimationWorker, type AnimationWorkerOptions } from './animation-worker.js'
import type { BatchBackend, BatchJob, BatchJobStatus } from './batch-backend.js'
import { connectRedis } from './redis-connection.js'

/** How long finished jobs are kept, so the same batch again finds them done: 30 days. */
export const KEEP_FINISHED_JOBS_S = 30 * 24 * 60 * 60

/** Options of `RedisBatchBackend.open`. */
export interface RedisBatchBackendOptions extends Omit<AnimationWorkerOptions, 'concurrency'> {
  /** In-process workers to start as well (`--workers N`). @default 0 */
  readonly workers?: number
  /** Concurrency of each in-process worker. @default 4 */
  readonly concurrency?: number
}

/** A batch on the BullMQ queue in Redis, optionally with workers in this process. */
export class RedisBatchBackend implements BatchBackend {
  private constructor(private readonly queue: Queue<AnimationJobData, AnimationJobResult>, private readonly redis: Redis, private readonly workers: AnimationWorker[]) {}

  static async open(options: RedisBatchBackendOptions): Promise<RedisBatchBackend> {
    const redis = connectRedis(options.redisUrl)
    const queue = new Queue<AnimationJobData, AnimationJobResult>(ANIMATION_QUEUE, {
      connection: redis,
      defaultJobOptions: {
        // Retries happen only for failures that cannot pay twice (see runAnimationJob).
        attempts: 3,
        backoff: { type: 'exponential', delay: 2_000 },
        removeOnComplete: { age: KEEP_FINISHED_JOBS_S },
        removeOnFail: { age: KEEP_FINISHED_JOBS_S },
      },
    })
    queue.on('error', () => undefined)
    await queue.waitUntilReady()
    const workers: AnimationWorker[] = []
    for (let index = 0; index < (options.workers ?? 0); index++) workers.push(await startAnimationWorker(options))
    return new RedisBatchBackend(queue, redis, workers)
  }

  async submit(jobs: readonly BatchJob[]): Promise<void> {
    for (let start = 0; start < jobs.length; start += 500) {
      const chunk = jobs.slice(start, start + 500)
      await this.queue.addBulk(chunk.map((job) => ({ name: 'animate', data: job.data, opts: { jobId: job.id } })))
    }
    // A job failed in an earlier run is tried again (a done one is left alone: no paid work twice).
    for (const job of jobs) {
      if ((await this.queue.getJobState(job.id)) === 'failed') await (await Job.fromId(this.queue, job.id))?.retry('failed')
    }
  }

  async statuses(ids: readonly string[]): Promise<Map<string, BatchJobStatus>> {
    const statuses = new Map<string, BatchJobStatus>()
    for (let start = 0; start < ids.length; start += 100) {
      await Promise.all(ids.slice(start, start + 100).map(async (id) => {
        const state = await this.queue.getJobState(id)
        if (state === 'completed' || state === 'failed' || state === 'active') {
          const job = await Job.fromId<AnimationJobData, AnimationJobResult>(this.queue, id)
          if (!job) return
          if (state === 'completed') statuses.set(id, { state, result: job.returnvalue })
          else if (state === 'failed') statuses.set(id, { state, failure: parseFailure(job.failedReason) })
          else statuses.set(id, { state, ...(typeof job.progress === 'object' ? { progress: job.progress as unknown as AnimationJobProgress } : {}) })
        } else if (state !== 'unknown') statuses.set(id, { state: 'waiting' })
      }))
    }
    return statuses
  }

  async close(force = false): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close(force)))
    await this.queue.close()
    this.redis.disconnect()
  }
}
