import { Worker } from 'node:worker_threads'
import { abortError, PortraitAnimatorError, type PortraitAnimatorErrorOptions, type ProgressPhase } from '@portrait-animator/core/light'
import type { EncoderPreference } from './encoder-choice.js'
import { LOCAL_MODEL_ID, LOCAL_PROVIDER, localError } from './local-errors.js'
import type { RenderedAnimation, RenderPlan } from './render-animation.js'
import type { RenderWorkerData, WorkerReply, WorkerRequest } from './render-worker-protocol.js'

/** Settings of a render pool. */
export interface RenderPoolOptions {
  /** Worker threads at most (each loads its own face models, about 150 MB). */
  readonly size: number
  /** The H.264 encoder the workers use. */
  readonly encoder?: EncoderPreference | undefined
  /** The workers' face analysis cache folder (see `createFaceAnalysisCache`); none when undefined. */
  readonly faceCacheDir?: string | undefined
  /** The worker script; the package's own `render-worker.js` unless a test swaps it. */
  readonly workerUrl?: URL | undefined
}

/** Limits and reporting for one pooled render. */
export interface PoolJobOptions {
  readonly signal?: AbortSignal | undefined
  /** `performance.now()` time (of this thread) after which the render fails with `timeout`. */
  readonly deadline?: number | undefined
  readonly onProgress?: ((phase: ProgressPhase, progress: number) => void) | undefined
}

/** A pooled render's output and the time its worker spent waiting for models. */
export interface PoolRenderResult {
  readonly rendered: RenderedAnimation
  readonly modelLoadMs: number
}

/** Worker threads that render clips, one job per worker at a time, in the order asked. */
export interface RenderPool {
  readonly size: number
  render(image: Uint8Array, plan: RenderPlan, options?: PoolJobOptions): Promise<PoolRenderResult>
  /** Starts one worker and its model load now, so the first job does not wait for them. */
  warm(): void
  /** Stops every worker; jobs still running (stopped between frames) or queued fail with `cancelled`. */
  close(): Promise<void>
}

interface Job {
  readonly id: number
  readonly image: Uint8Array
  readonly plan: RenderPlan
  readonly options: PoolJobOptions
  readonly resolve: (result: PoolRenderResult) => void
  readonly reject: (error: unknown) => void
  /** Set once the caller got its answer (e.g. it aborted): the worker's late reply is ignored. */
  settled: boolean
  detach(): void
}

interface Slot {
  readonly worker: Worker
  job?: Job | undefined
}

const FROM_SOURCES = import.meta.url.endsWith('.ts')
/** How long `close` lets running jobs stop by themselves before terminating their workers. */
const CLOSE_GRACE_MS = 5000

/** The compiled worker next to this module (the package's dist when running from its sources). */
function defaultWorkerUrl(): URL {
  return FROM_SOURCES ? new URL('../dist/render-worker.js', import.meta.url) : new URL('./render-worker.js', import.meta.url)
}

/** Flags that make sense for the main script only, with a value unless written `--flag=value`. */
const MAIN_ONLY_FLAGS = new Set(['-e', '--eval', '-p', '--print', '--input-type'])

/**
 * The parent's Node flags for the workers, less those about the main script (`-e`, `--input-type`)
 * and, when running from sources (tests), the workspace's source condition: the compiled worker
 * imports the other packages' compiled code, as users run it.
 */
function workerExecArgv(): string[] {
  const flags: string[] = []
  const args = process.execArgv
  for (let index = 0; index < args.length; index++) {
    const flag = args[index]!
    const name = flag.split('=')[0]!
    const dropped = MAIN_ONLY_FLAGS.has(name) || (FROM_SOURCES && (name === '--conditions' || name === '-C'))
    if (!dropped) flags.push(flag)
    else if (!flag.includes('=')) index++
  }
  return flags
}

/** Parent flags a worker refused (V8 options such as `--max-old-space-size` or `--trace-gc`): left out from then on. */
const refusedFlags = new Set<string>()

/**
 * Starts a worker with the parent's flags (`workerExecArgv`). Node refuses V8 options in a worker's
 * `execArgv` (they apply to the whole process already): those named in its refusal are dropped and
 * the worker started again, so `node --max-old-space-size=4096 … serve` still renders in the pool.
 */
function startWorker(url: URL, workerData: RenderWorkerData): Worker {
  const flags = workerExecArgv()
  for (let attempt = 0; ; attempt++) {
    const execArgv = flags.filter((flag) => !refusedFlags.has(flag))
    try {
      return new Worker(url, { execArgv, workerData })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ERR_WORKER_INVALID_EXEC_ARGV' || attempt > 0) throw error
      // "Initiated Worker with invalid execArgv flags: --a, --b"; without a usable list every flag goes.
      const named = ((error as Error).message.split(': ')[1] ?? '').split(', ').filter((flag) => execArgv.includes(flag))
      for (const flag of named.length > 0 ? named : execArgv) refusedFlags.add(flag)
    }
  }
}

/**
 * Creates a pool of up to `size` render workers. Workers start when jobs need them and stay for
 * later jobs without keeping the process alive while idle. An error in a job comes back as the
 * `PortraitAnimatorError` the worker raised; a worker that dies fails its job with `unavailable`
 * (retryable) and the next job gets a new worker; an aborted job is dropped from the queue, or its
 * worker is told to stop.
 */
export function createRenderPool(options: RenderPoolOptions): RenderPool {
  const size = Math.max(1, Math.floor(options.size))
  const workerUrl = options.workerUrl ?? defaultWorkerUrl()
  const slots: Slot[] = []
  const queue: Job[] = []
  let nextId = 0
  let closed = false
  /** While closing: called whenever a worker becomes idle or exits. */
  let onIdle: (() => void) | undefined

  const send = (slot: Slot, message: WorkerRequest): void => slot.worker.postMessage(message)

  const finishJob = (slot: Slot): void => {
    slot.job?.detach()
    slot.job = undefined
    slot.worker.unref()
    onIdle?.()
    dispatch()
  }

  const onReply = (slot: Slot, message: WorkerReply): void => {
    const job = slot.job
    if (job === undefined || job.id !== message.id) return
    if (message.type === 'progress') {
      if (!job.settled) job.options.onProgress?.(message.phase, message.progress)
      return
    }
    if (!job.settled) {
      job.settled = true
      if (message.type === 'done') job.resolve({ rendered: message.rendered, modelLoadMs: message.modelLoadMs })
      else job.reject(new PortraitAnimatorError({ ...(message.error as unknown as PortraitAnimatorErrorOptions), provider: LOCAL_PROVIDER, modelId: LOCAL_MODEL_ID }))
    }
    finishJob(slot)
  }

  const onExit = (slot: Slot, code: number, error?: Error): void => {
    const index = slots.indexOf(slot)
    if (index < 0) return
    slots.splice(index, 1)
    const job = slot.job
    if (job !== undefined && !job.settled) {
      job.settled = true
      job.detach()
      job.reject(closed
        ? localError({ kind: 'cancelled', message: 'The render pool was closed.' })
        : localError({ kind: 'unavailable', retryable: true, message: `A render worker stopped unexpectedly (${error ? error.message : `exit code ${code}`}); a new one takes its place.`, cause: error }))
    }
    onIdle?.()
    dispatch()
  }

  const spawnSlot = (): Slot => {
    const worker = startWorker(workerUrl, { faceCacheDir: options.faceCacheDir })
    const slot: Slot = { worker }
    let failure: Error | undefined
    worker.on('message', (message: WorkerReply) => onReply(slot, message))
    worker.on('error', (error) => {
      failure = error
    })
    worker.on('exit', (code) => onExit(slot, code, failure))
    worker.unref()
    slots.push(slot)
    send(slot, { type: 'warm' })
    return slot
  }

  function dispatch(): void {
    while (!closed && queue.length > 0) {
      let slot: Slot | undefined
      try {
        slot = slots.find((candidate) => candidate.job === undefined) ?? (slots.length < size ? spawnSlot() : undefined)
      } catch (error) {
        // The workers already running take the queue; with none, a worker that cannot even start
        // fails the job in front, typed, instead of throwing out of an event.
        if (slots.length > 0) return
        const failed = queue.shift()!
        failed.settled = true
        failed.detach()
        failed.reject(localError({ kind: 'unavailable', retryable: false, message: `A render worker could not start: ${(error as Error).message}`, cause: error }))
        continue
      }
      if (slot === undefined) return
      const job = queue.shift()!
      slot.job = job
      slot.worker.ref()
      const remainingMs = job.options.deadline === undefined ? undefined : Math.max(0, job.options.deadline - performance.now())
      send(slot, { type: 'render', id: job.id, image: job.image, plan: job.plan, remainingMs, encoder: options.encoder })
    }
  }

  const abortJob = (job: Job, signal: AbortSignal): void => {
    if (job.settled) return
    job.settled = true
    job.detach()
    const queued = queue.indexOf(job)
    if (queued >= 0) queue.splice(queued, 1)
    const slot = slots.find((candidate) => candidate.job === job)
    if (slot !== undefined) send(slot, { type: 'cancel', id: job.id })
    job.reject(abortError(signal, { provider: LOCAL_PROVIDER, modelId: LOCAL_MODEL_ID }))
  }

  return {
    size,
    render(image, plan, jobOptions = {}) {
      if (closed) return Promise.reject(localError({ kind: 'cancelled', message: 'The render pool was closed.' }))
      const { signal } = jobOptions
      if (signal?.aborted) return Promise.reject(abortError(signal, { provider: LOCAL_PROVIDER, modelId: LOCAL_MODEL_ID }))
      return new Promise<PoolRenderResult>((resolve, reject) => {
        const onAbort = (): void => abortJob(job, signal!)
        const job: Job = { id: nextId++, image, plan, options: jobOptions, resolve, reject, settled: false, detach: () => signal?.removeEventListener('abort', onAbort) }
        signal?.addEventListener('abort', onAbort, { once: true })
        queue.push(job)
        dispatch()
      })
    },
    warm() {
      if (!closed && slots.length === 0) spawnSlot()
    },
    async close() {
      closed = true
      for (const job of queue.splice(0)) {
        job.settled = true
        job.detach()
        job.reject(localError({ kind: 'cancelled', message: 'The render pool was closed.' }))
      }
      // Running jobs stop between frames (their ffmpeg killed, their callers told `cancelled`), then the workers go.
      for (const slot of slots) if (slot.job !== undefined) send(slot, { type: 'cancel', id: slot.job.id })
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, CLOSE_GRACE_MS)
        onIdle = () => {
          if (slots.some((slot) => slot.job !== undefined)) return
          clearTimeout(timer)
          resolve()
        }
        onIdle()
      })
      await Promise.all(slots.map((slot) => slot.worker.terminate()))
    },
  }
}
