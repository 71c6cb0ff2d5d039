import { createHash } from 'node:crypto'
import { access, mkdir, readFile, rm } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { createBytesOutput, outputKindOf, PortraitAnimatorError, sniffFormat, writeFileAtomic, type AnimationRequest, type AnimationResult, type CallOptions, type OutputFormat } from '@portrait-animator/core'
import { Job, Queue, QueueEvents } from 'bullmq'
import type { Redis } from 'ioredis'
import { ANIMATION_QUEUE, animationJobId, parseFailure, type AnimationJobData, type AnimationJobResult } from './animation-job.js'
import { startAnimationWorker, type AnimationWorker, type AnimationWorkerOptions } from './animation-worker.js'
import { KEEP_FINISHED_JOBS_S } from './redis-batch-backend.js'
import { RedisBreakerStore } from './redis-breaker-store.js'
import { connectRedis } from './redis-connection.js'
import { RedisRetirementStore } from './redis-retirement-store.js'
import { sweepSpool } from './spool.js'
import { waitForJob, type JobEnding } from './wait-for-job.js'

/** Options of `QueuedAnimator.open`. */
export interface QueuedAnimatorOptions extends Omit<AnimationWorkerOptions, 'concurrency'> {
  /**
   * A folder every server and worker sees at the same path (a shared disk on several machines):
   * request images are written to `inputs/`, outputs to `outputs/`, each named after the job. A
   * job's input is removed when the job finishes or fails, its output `spoolGraceMs` later; what
   * a stopped server left behind is removed when a server opens.
   */
  readonly spoolDir: string
  /**
   * How long an output stays in the spool folder after its job finished, so that callers waiting
   * for the same job on other servers can read it too.
   * @default 60000
   */
  readonly spoolGraceMs?: number
  /** The route jobs run on. @default the config's choice by motion */
  readonly route?: string
  /** In-process workers to start as well (`serve --redis --workers N`). @default 0 */
  readonly workers?: number
  /** Concurrency of each in-process worker. @default 4 */
  readonly concurrency?: number
  /** Deadline of a request without `timeoutMs`. @default 300000 */
  readonly timeoutMs?: number
}

/**
 * Animates by enqueuing a job on the BullMQ queue and answering when that job finishes: what a
 * server in queue mode (`serve --redis`) serves with, so every instance shares the workers'
 * provider limits, breakers and journal. The job id is deterministic (image digest and request),
 * so the same portrait asked of two servers at once is one job, paid once; a caller that gives up
 * (abort, deadline) stops waiting but never cancels a job others may be waiting on.
 *
 * @example
 * ```ts
 * const animator = await QueuedAnimator.open({ redisUrl: 'redis://127.0.0.1:6379', spoolDir: '/shared/spool', workers: 1 })
 * const result = await animator.animate({ image: bytes, motion: { type: 'preset', preset: 'live-photo' }, output: { kind: 'video', format: 'mp4' } })
 * await animator.close()
 * ```
 */
export class QueuedAnimator {
  private closed: Promise<void> | undefined
  /** Outputs waiting for their grace period to pass before removal. */
  private readonly removals = new Set<NodeJS.Timeout>()

  private constructor(
    private readonly queue: Queue<AnimationJobData, AnimationJobResult>,
    private readonly events: QueueEvents,
    private readonly connections: readonly Redis[],
    private readonly workers: readonly AnimationWorker[],
    private readonly options: QueuedAnimatorOptions,
  ) {}

  static async open(options: QueuedAnimatorOptions): Promise<QueuedAnimator> {
    const redis = connectRedis(options.redisUrl)
    // QueueEvents blocks on its connection (XREAD), so it gets one of its own.
    const eventsRedis = connectRedis(options.redisUrl)
    const queue = new Queue<AnimationJobData, AnimationJobResult>(ANIMATION_QUEUE, {
      connection: redis,
      defaultJobOptions: { attempts: 3, backoff: { type: 'exponential', delay: 2_000 }, removeOnComplete: { age: KEEP_FINISHED_JOBS_S }, removeOnFail: { age: KEEP_FINISHED_JOBS_S } },
    })
    const events = new QueueEvents(ANIMATION_QUEUE, { connection: eventsRedis })
    queue.on('error', () => undefined)
    events.on('error', () => undefined)
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()])
    await sweepSpool(queue, resolve(options.spoolDir), { outputGraceMs: options.spoolGraceMs ?? 60_000 })
    const workers: AnimationWorker[] = []
    for (let index = 0; index < (options.workers ?? 0); index++) workers.push(await startAnimationWorker(options))
    return new QueuedAnimator(queue, events, [redis, eventsRedis], workers, options)
  }

  /** Whether both Redis connections are up now (cheap: for readiness checks). */
  connected(): boolean {
    return this.connections.every((connection) => connection.status === 'ready')
  }

  /**
   * The targets every worker currently keeps away from, as they are shared in Redis: a breaker
   * that is open or half-open, or a target retired by its provider. Closed breakers are not listed.
   */
  async shutTargets(): Promise<Array<{ readonly target: string; readonly breaker: 'open' | 'half-open' | 'retired' }>> {
    const store = { ...(this.options.prefix ? { prefix: this.options.prefix } : {}) }
    const redis = this.connections[0]!
    const [breakers, retirements] = await Promise.all([new RedisBreakerStore(redis, store).list(), new RedisRetirementStore(redis, store).list()])
    const shut = new Map<string, 'open' | 'half-open' | 'retired'>()
    for (const entry of breakers) if (entry.state !== 'closed') shut.set(entry.target, entry.state)
    for (const record of retirements) shut.set(record.target, 'retired')
    return [...shut].map(([target, breaker]) => ({ target, breaker }))
  }

  /**
   * Enqueues the request (or joins the job already queued for the same work) and waits for it.
   * The image must be bytes or a file path; the output is read back from the spool folder.
   */
  async animate(request: AnimationRequest, options: CallOptions = {}): Promise<AnimationResult> {
    const started = Date.now()
    const format: OutputFormat = request.output?.format ?? 'mp4'
    const image = await imageBytes(request.image)
    const digest = createHash('sha256').update(image).digest('hex')
    const request_ = { imageDigest: digest, motion: request.motion, ...(this.options.route ? { route: this.options.route } : {}), format, ...(request.strict ? { strict: true } : {}) }
    const id = animationJobId({ ...request_, image: '' })
    const data: AnimationJobData = { ...request_, image: this.inputPath(id, image), output: join(resolve(this.options.spoolDir), 'outputs', `${id}.${format}`) }
    const { value, bytes } = await this.run(id, data, image, options)
    const [provider = 'queue', modelId = 'unknown'] = value.servedBy.split('/')
    const answer: AnimationResult = {
      output: createBytesOutput({ kind: outputKindOf(format), format, bytes, provider, modelId }),
      servedBy: { provider, modelId, target: value.servedBy },
      attempts: [],
      warnings: [],
      timings: { totalMs: Date.now() - started },
      providerMetadata: { queue: { jobId: id, resumed: value.resumed } },
    }
    return answer
  }

  /** Stops the in-process workers (they finish their running jobs) and disconnects. Jobs stay queued. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      await Promise.all(this.workers.map((worker) => worker.close()))
      await this.events.close()
      await this.queue.close()
      for (const connection of this.connections) connection.disconnect()
      // Outputs still in their grace period are removed by the next server to open.
      for (const timer of this.removals) clearTimeout(timer)
    })()
    return this.closed
  }

  /**
   * Enqueues and waits for the job, and reads its output. A finished job whose output was removed
   * from the spool folder (retention) is removed and run again, once: the output is gone, so the
   * work is redone (and paid) as a first request would.
   */
  private async run(id: string, data: AnimationJobData, image: Uint8Array, options: CallOptions): Promise<{ value: AnimationJobResult; bytes: Uint8Array }> {
    for (let round = 0; ; round++) {
      // Written again each round: the input of a job that finished (or failed) has been removed.
      await this.spoolImage(data.image, image)
      await this.enqueue(id, data)
      // A caller that gives up (deadline, abort) leaves the files: the job goes on and needs them.
      const result = await waitForJob(this.queue, this.events, id, { timeoutMs: options.timeoutMs ?? this.options.timeoutMs ?? 300_000, ...(options.signal ? { signal: options.signal } : {}) })
      this.cleanUp(data, result)
      if (result.state === 'failed') {
        const failure = parseFailure(result.reason)
        throw new PortraitAnimatorError({ kind: failure.kind === 'internal' ? 'unavailable' : failure.kind, message: failure.reason })
      }
      const bytes = await readFile(result.value.output).then((buffer) => new Uint8Array(buffer), () => undefined)
      if (bytes) return { value: result.value, bytes }
      if (round > 0) throw new PortraitAnimatorError({ kind: 'output_failed', message: `The queued job finished but its output ${result.value.output} cannot be read (is the spool folder shared with the workers at the same path?).` })
      await (await this.queue.getJob(id))?.remove().catch(() => undefined)
    }
  }

  /** Adds the job, unless one with its id exists; one that failed earlier is tried again. */
  private async enqueue(id: string, data: AnimationJobData): Promise<void> {
    await this.queue.add('animate', data, { jobId: id })
    if ((await this.queue.getJobState(id)) !== 'failed') return
    // Another server may retry it at the same moment: only one retry succeeds, the rest throw.
    await (await Job.fromId(this.queue, id))?.retry('failed').catch(() => undefined)
  }

  /** Where a job's input goes: `inputs/<job id>.<ext>`. */
  private inputPath(id: string, bytes: Uint8Array): string {
    return join(resolve(this.options.spoolDir), 'inputs', `${id}.${sniffFormat(bytes) ?? 'bin'}`)
  }

  /** Writes the job's input, unless it is there. */
  private async spoolImage(path: string, bytes: Uint8Array): Promise<void> {
    if (await access(path).then(() => true, () => false)) return
    await mkdir(dirname(path), { recursive: true })
    await writeFileAtomic(path, bytes)
  }

  /**
   * A job finished (or failed): its input is no longer needed, and its output goes once the grace
   * period has passed (this caller has read it by then; callers on other servers had the time to).
   * A request that comes for the same job later writes the input again before asking for it.
   */
  private cleanUp(data: AnimationJobData, ending: JobEnding): void {
    void rm(data.image, { force: true }).catch(() => undefined)
    if (ending.state !== 'completed') return
    const timer = setTimeout(() => {
      this.removals.delete(timer)
      void rm(ending.value.output, { force: true }).catch(() => undefined)
    }, this.options.spoolGraceMs ?? 60_000)
    timer.unref()
    this.removals.add(timer)
  }
}

async function imageBytes(input: AnimationRequest['image']): Promise<Uint8Array> {
  const bytes = typeof input === 'string' ? new Uint8Array(await readFile(input)) : input instanceof Uint8Array ? input : input instanceof ArrayBuffer ? new Uint8Array(input) : undefined
  if (!bytes) throw new PortraitAnimatorError({ kind: 'invalid_input', message: 'A queued request needs the image as bytes or a file path.', field: 'image' })
  return bytes
}
