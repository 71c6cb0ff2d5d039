import { redact, type CallOptions, type ProgressEvent, type ProgressPhase, type Timings } from '@portrait-animator/core'
import type { FalQueueStatus } from './fal-schemas.js'

/**
 * Follows one job's statuses: reports progress (phase changes, queue position, new log lines)
 * through `onProgress`, and keeps the times needed for `timings`.
 */
export class FalJobTracker {
  readonly #target: string
  readonly #startedAt: number
  readonly #onProgress: CallOptions['onProgress']
  readonly #seenLogs = new Set<string>()
  #lastKey = ''
  #submittedAt: number | undefined
  #runningAt: number | undefined
  #completedAt: number | undefined
  #inferenceSeconds: number | undefined
  /** Every log line seen, in order. */
  readonly logs: string[] = []

  constructor(options: { readonly target: string; readonly startedAt: number; readonly onProgress?: CallOptions['onProgress'] }) {
    this.#target = options.target
    this.#startedAt = options.startedAt
    this.#onProgress = options.onProgress
  }

  /** Reports a phase of the adapter's own work (validating, uploading, submitting, completed). */
  phase(phase: ProgressPhase, message?: string): void {
    this.#emit({ phase, ...(message ? { message } : {}) })
  }

  /** The job was accepted now. */
  submitted(at = Date.now()): void {
    this.#submittedAt = at
  }

  /** A status from a poll or the stream. */
  status(status: FalQueueStatus, at = Date.now()): void {
    const fresh: string[] = []
    for (const log of status.logs ?? []) {
      const key = `${log.timestamp ?? ''}|${log.message}`
      if (this.#seenLogs.has(key)) continue
      this.#seenLogs.add(key)
      // Model logs are the provider's text: scrub anything credential-like before it reaches an event.
      const line = redact(log.message)
      fresh.push(line)
      this.logs.push(line)
    }
    if (status.status === 'IN_PROGRESS') this.#runningAt ??= at
    if (status.status === 'COMPLETED') {
      this.#completedAt ??= at
      const inference = status.metrics?.inference_time
      if (typeof inference === 'number') this.#inferenceSeconds = inference
    }
    const phase: ProgressPhase = status.status === 'IN_QUEUE' ? 'queued' : 'running'
    const key = `${phase}|${status.queue_position ?? ''}`
    if (key === this.#lastKey && fresh.length === 0) return
    this.#lastKey = key
    this.#emit({
      phase,
      ...(status.status === 'IN_QUEUE' && status.queue_position !== undefined ? { queuePosition: status.queue_position } : {}),
      ...(fresh.length > 0 ? { logs: fresh } : {}),
      ...(status.status === 'COMPLETED' ? { message: 'fal finished the request; fetching the result.' } : {}),
    })
  }

  /** fal's own measure of the model run, in seconds, when it gave one. */
  get inferenceSeconds(): number | undefined {
    return this.#inferenceSeconds
  }

  /** Where time went, up to now. */
  timings(now = Date.now()): Timings {
    const totalMs = Math.max(0, now - this.#startedAt)
    const submittedAt = this.#submittedAt
    const completedAt = this.#completedAt
    if (submittedAt === undefined || completedAt === undefined) return { totalMs }
    if (this.#runningAt !== undefined) {
      return { queuedMs: Math.max(0, this.#runningAt - submittedAt), runningMs: Math.max(0, completedAt - this.#runningAt), totalMs }
    }
    const runningMs = this.#inferenceSeconds === undefined ? undefined : Math.round(this.#inferenceSeconds * 1000)
    const waitedMs = Math.max(0, completedAt - submittedAt)
    return runningMs === undefined ? { queuedMs: waitedMs, totalMs } : { queuedMs: Math.max(0, waitedMs - runningMs), runningMs, totalMs }
  }

  #emit(event: Omit<ProgressEvent, 'target' | 'elapsedMs'>): void {
    if (!this.#onProgress) return
    try {
      this.#onProgress({ target: this.#target, elapsedMs: Date.now() - this.#startedAt, ...event })
    } catch {
      // A progress observer that throws must not fail the job it observes.
    }
  }
}
