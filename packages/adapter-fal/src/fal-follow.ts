import { sleep } from '@portrait-animator/core'
import { falAbortError } from './fal-errors.js'
import type { FalJobReference, FalQueue } from './fal-queue.js'
import type { FalQueueStatus } from './fal-schemas.js'
import type { FalStatusMode } from './fal-settings.js'

/** Whether fal's status stream works here, learned once per adapter instance. */
export interface FalStreamSupport {
  state: 'unknown' | 'supported' | 'unsupported'
}

/** Options of `followFalJob`. */
export interface FollowFalJobOptions {
  readonly queue: FalQueue
  readonly job: FalJobReference
  readonly mode: FalStatusMode
  readonly pollIntervalMs: number
  readonly streamSupport: FalStreamSupport
  readonly signal?: AbortSignal | undefined
  /** Called with every status seen, in order. */
  readonly onStatus: (status: FalQueueStatus) => void
  /**
   * Milliseconds without any event after which a status stream is dropped for polling.
   * @default 15000
   */
  readonly streamIdleMs?: number
}

/**
 * Follows a job until fal reports it `COMPLETED` (which it also does for jobs that ended in error:
 * the result call tells which). Streams the status when it can, so completion is seen at once;
 * otherwise polls, starting at once and then at most once per `pollIntervalMs`, measured from the
 * start of one request to the start of the next. An abort settles it immediately.
 */
export async function followFalJob(options: FollowFalJobOptions): Promise<FalQueueStatus> {
  const { queue, job, signal } = options
  if (options.mode === 'streaming' || (options.mode === 'auto' && options.streamSupport.state !== 'unsupported')) {
    const streamed = await queue.streamStatus(job, { signal, idleMs: options.streamIdleMs ?? 15_000, onStatus: options.onStatus })
    if (streamed.outcome === 'completed') {
      options.streamSupport.state = 'supported'
      return streamed.status
    }
    if (streamed.outcome === 'unsupported' && options.streamSupport.state === 'unknown') options.streamSupport.state = 'unsupported'
  }
  let nextRequestAt = 0
  for (;;) {
    await sleepUntil(nextRequestAt, signal, job)
    nextRequestAt = Date.now() + options.pollIntervalMs
    const status = await queue.status(job, signal)
    options.onStatus(status)
    if (status.status === 'COMPLETED') return status
  }
}

function sleepUntil(time: number, signal: AbortSignal | undefined, job: FalJobReference): Promise<void> {
  const context = { modelId: job.modelId, operation: 'status' as const, requestId: job.requestId }
  return sleep(time - Date.now(), signal).catch(() => {
    throw falAbortError(signal as AbortSignal, context)
  })
}
