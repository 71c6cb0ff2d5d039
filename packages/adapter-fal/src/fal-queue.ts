import { ApiError, type FalClient } from '@fal-ai/client'
import { PortraitAnimatorError } from '@portrait-animator/core'
import { FalCall, type FalCallRegistry } from './fal-call.js'
import { falAbortError, toFalError, type FalOperation } from './fal-errors.js'
import { falQueueStatusSchema, falSubmitResponseSchema, type FalQueueStatus } from './fal-schemas.js'
import type { FalLifetime } from './fal-settings.js'
import { FalUnretriedFailure } from './fal-unretried-failure.js'

/** A job fal accepted. */
export interface FalJobReference {
  readonly modelId: string
  /** The full endpoint id, sub-path included (`fal-ai/live-portrait/image`). */
  readonly endpointId: string
  readonly requestId: string
}

/** The outcome of fetching a completed job's result. */
export type FalResultOutcome =
  | { readonly ok: true; readonly data: unknown; readonly requestId: string }
  | { readonly ok: false; readonly error: PortraitAnimatorError }

/** How following a job over the status stream ended. */
export type FalStreamOutcome =
  | { readonly outcome: 'completed'; readonly status: FalQueueStatus }
  /** The server has no status stream (404/405/501, or not an event stream). */
  | { readonly outcome: 'unsupported' }
  /** The stream ended or stalled before completion; polling takes over. */
  | { readonly outcome: 'interrupted' }

/** Options of `createFalQueue`. */
export interface FalQueueOptions {
  readonly client: FalClient
  readonly calls: FalCallRegistry
  readonly priority: 'normal' | 'low'
  readonly webhookUrl: string | undefined
  readonly outputLifetimeSeconds: FalLifetime | undefined
  readonly uploadLifetimeSeconds: FalLifetime
}

/**
 * The fal queue and storage through `@fal-ai/client`, with every failure mapped to a
 * `PortraitAnimatorError`, every call abortable at once, and the retry policy decided per call:
 *
 * - submit: never retried here or by the client. A POST whose answer was lost may have created a
 *   (paid) job; the error says `accepted: 'unknown'` and the router decides, so nothing is paid twice.
 * - status, result, cancel, upload: the client's own retries are kept (429/502/503/504, and 500 for
 *   status; transport errors). They are reads or idempotent, and fal does not bill them.
 */
export class FalQueue {
  readonly #options: FalQueueOptions

  constructor(options: FalQueueOptions) {
    this.#options = options
  }

  /** Uploads a file to fal storage and returns the URL fal can fetch it from. */
  async upload(file: File, context: { readonly modelId: string; readonly signal?: AbortSignal | undefined }): Promise<string> {
    const lifetime = this.#options.uploadLifetimeSeconds
    // The client's storage calls take no signal: the call settles on abort and the upload is left behind.
    return this.#run({ modelId: context.modelId, operation: 'upload' }, context.signal, true, async () => {
      const url = await this.#options.client.storage.upload(file, lifetime === 'never' ? {} : { lifecycle: { expiresIn: lifetime } })
      if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) {
        throw new PortraitAnimatorError({ kind: 'provider_error', message: 'fal storage answered an upload without a usable file URL.', provider: 'fal', modelId: context.modelId, accepted: false })
      }
      return url
    })
  }

  /** Submits a job; resolves once fal has given it a request id. */
  async submit(
    endpointId: string,
    request: { readonly modelId: string; readonly input: Readonly<Record<string, unknown>>; readonly signal?: AbortSignal | undefined },
  ): Promise<{ readonly requestId: string; readonly queuePosition?: number }> {
    const lifetime = this.#options.outputLifetimeSeconds
    const headers: Record<string, string> =
      lifetime === undefined ? {} : { 'x-fal-object-lifecycle-preference': JSON.stringify({ expiration_duration_seconds: lifetime === 'never' ? null : lifetime }) }
    const webhookUrl = this.#options.webhookUrl
    const answer = await this.#run({ modelId: request.modelId, operation: 'submit', endpointId }, request.signal, false, (call) =>
      this.#options.client.queue.submit(endpointId, {
        input: request.input,
        priority: this.#options.priority,
        headers,
        abortSignal: call.signal,
        ...(webhookUrl ? { webhookUrl } : {}),
      }),
    )
    const parsed = falSubmitResponseSchema.safeParse(answer)
    if (!parsed.success) {
      throw new PortraitAnimatorError({
        kind: 'provider_error',
        message: `fal accepted the submit to ${endpointId} but its answer has no request id.`,
        provider: 'fal',
        modelId: request.modelId,
        accepted: 'unknown',
      })
    }
    return { requestId: parsed.data.request_id, ...(parsed.data.queue_position === undefined ? {} : { queuePosition: parsed.data.queue_position }) }
  }

  /** Where the job stands (with its logs). */
  async status(job: FalJobReference, signal?: AbortSignal): Promise<FalQueueStatus> {
    const answer = await this.#run({ modelId: job.modelId, operation: 'status', requestId: job.requestId }, signal, true, (call) =>
      this.#options.client.queue.status(job.endpointId, { requestId: job.requestId, logs: true, abortSignal: call.signal }),
    )
    return parseStatus(answer, job)
  }

  /**
   * The job's output. A job that ended in error answers its error here: that is an outcome
   * (`ok: false`), not a failure to fetch, and comes back instead of being thrown.
   */
  async result(job: FalJobReference, signal?: AbortSignal): Promise<FalResultOutcome> {
    try {
      const answer = await this.#run({ modelId: job.modelId, operation: 'result', requestId: job.requestId }, signal, true, (call) =>
        this.#options.client.queue.result(job.endpointId, { requestId: job.requestId, abortSignal: call.signal }),
      )
      return { ok: true, data: answer.data, requestId: answer.requestId || job.requestId }
    } catch (error) {
      if (PortraitAnimatorError.isInstance(error) && isAnsweredJobError(error.cause)) return { ok: false, error }
      throw error
    }
  }

  /** Asks fal to cancel the job; `already-completed` when it finished first. */
  async cancel(job: FalJobReference, signal?: AbortSignal): Promise<'cancellation-requested' | 'already-completed'> {
    try {
      await this.#run({ modelId: job.modelId, operation: 'cancel', requestId: job.requestId }, signal, true, (call) =>
        this.#options.client.queue.cancel(job.endpointId, { requestId: job.requestId, abortSignal: call.signal }),
      )
      return 'cancellation-requested'
    } catch (error) {
      if (PortraitAnimatorError.isInstance(error) && error.providerCode === 'ALREADY_COMPLETED') return 'already-completed'
      throw error
    }
  }

  /**
   * Follows the job over fal's status stream (`/requests/{id}/status/stream`), calling `onStatus`
   * for each status. Resolves as soon as a `COMPLETED` status arrives. A stream that sends nothing
   * for `idleMs` is dropped (`interrupted`) so that polling can take over.
   */
  async streamStatus(
    job: FalJobReference,
    options: { readonly signal?: AbortSignal | undefined; readonly idleMs: number; readonly onStatus: (status: FalQueueStatus) => void },
  ): Promise<FalStreamOutcome> {
    const signal = options.signal
    if (signal?.aborted) throw falAbortError(signal, { modelId: job.modelId, operation: 'status', requestId: job.requestId })
    const stream = await this.#options.client.queue.streamStatus(job.endpointId, { requestId: job.requestId, logs: true })
    let completed: FalQueueStatus | undefined
    let sawStatus = false
    let idleTimer: NodeJS.Timeout | undefined
    const stop = () => stream.abort()
    const restartIdleTimer = () => {
      clearTimeout(idleTimer)
      idleTimer = setTimeout(stop, options.idleMs)
      idleTimer.unref?.()
    }
    stream.on('data', (data: unknown) => {
      restartIdleTimer()
      const parsed = falQueueStatusSchema.safeParse(data)
      if (!parsed.success) return
      sawStatus = true
      options.onStatus(parsed.data)
      if (parsed.data.status === 'COMPLETED') {
        completed = parsed.data
        stop()
      }
    })
    signal?.addEventListener('abort', stop, { once: true })
    restartIdleTimer()
    let failure: unknown
    try {
      await stream.done()
    } catch (error) {
      failure = error ?? new Error('The status stream failed.')
    } finally {
      clearTimeout(idleTimer)
      signal?.removeEventListener('abort', stop)
    }
    if (signal?.aborted) throw falAbortError(signal, { modelId: job.modelId, operation: 'status', requestId: job.requestId })
    if (completed) return { outcome: 'completed', status: completed }
    if (failure !== undefined) {
      // Only "no such route" proves there is no stream; anything else (401, 503, a reset) is for polling to report.
      const status = failure instanceof ApiError ? (failure as { status?: unknown }).status : undefined
      return !sawStatus && (status === 404 || status === 405 || status === 501) ? { outcome: 'unsupported' } : { outcome: 'interrupted' }
    }
    // A stream that closed without one status is not fal's status stream.
    return { outcome: sawStatus ? 'interrupted' : 'unsupported' }
  }

  async #run<T>(
    context: { readonly modelId: string; readonly operation: FalOperation; readonly requestId?: string; readonly endpointId?: string },
    signal: AbortSignal | undefined,
    retry: boolean,
    operation: (call: FalCall) => Promise<T>,
  ): Promise<T> {
    const call = new FalCall(this.#options.calls, { signal, retry })
    try {
      return await call.run(
        () => operation(call),
        (aborted) => falAbortError(aborted, { ...context, sent: call.sent }),
      )
    } catch (error) {
      throw toFalError(error, { ...context, exchange: call.exchange, sent: call.sent })
    } finally {
      call.end()
    }
  }
}

/**
 * Whether a failed result fetch is the job's own error (fal answered with its error body, or says
 * the request is unknown) rather than a failure to reach fal.
 */
function isAnsweredJobError(error: unknown): boolean {
  const answer = error instanceof FalUnretriedFailure ? error : error instanceof ApiError ? error : undefined
  if (!answer) return false
  const status = (answer as { status?: unknown }).status
  if (status === 404) return true
  return typeof status === 'number' && typeof answer.body === 'object' && answer.body !== null
}

function parseStatus(answer: unknown, job: FalJobReference): FalQueueStatus {
  const parsed = falQueueStatusSchema.safeParse(answer)
  if (parsed.success) return parsed.data
  throw new PortraitAnimatorError({
    kind: 'provider_error',
    message: `fal answered a status for request ${job.requestId} that this adapter cannot read.`,
    provider: 'fal',
    modelId: job.modelId,
    requestId: job.requestId,
    accepted: true,
  })
}
