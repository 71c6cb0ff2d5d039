import type { EmulatorRuntime } from './emulator-runtime.js'
import type { FalModel } from './fal-models.js'
import { inputDigestOfUrl } from './input-digest.js'
import { runFalModel, type FalOutcome } from './fal-outputs.js'
import { deliverJobWebhook } from './webhook-delivery.js'
import { signFalWebhook } from './webhook-signing.js'

/** Credits one successful fal request costs in the emulator (fal bills compute; this is a stand-in). */
export const FAL_REQUEST_CREDITS = 1
/** Share of a job's duration spent in the queue. */
const QUEUE_SHARE = 0.3

/** One fal queue request. Its phase is computed from timestamps, never advanced by timers. */
export interface FalJob {
  readonly requestId: string
  /** `fal.submit` (queue) or `fal.run` (sync). */
  readonly route: string
  readonly model: FalModel
  readonly account: string
  readonly submittedAt: number
  readonly startAt: number
  readonly doneAt: number
  readonly webhookUrl?: string
  /** Resolves once the model has run (the job may still be IN_PROGRESS by the clock). */
  readonly prepared: Promise<void>
  outcome?: FalOutcome
  preparedAt?: number
  cancelledAt?: number
  settled: boolean
}

/** The three phases the status endpoint reports. */
export type FalPhase = 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED'

const LOG_SCRIPT: readonly [number, string][] = [
  [0, 'Loading model weights'],
  [0.25, 'Detecting face and landmarks'],
  [0.5, 'Animating frames'],
  [0.85, 'Encoding output'],
]

/** Every fal request, with phase, status body, cancellation and settlement (charge + webhook). */
export class FalJobStore {
  readonly #runtime: EmulatorRuntime
  readonly #jobs = new Map<string, FalJob>()

  constructor(runtime: EmulatorRuntime) {
    this.#runtime = runtime
    runtime.ledger.onBeforeRead(() => this.settleAll())
    runtime.onReset(() => this.#jobs.clear())
  }

  get(requestId: string): FalJob | undefined {
    return this.#jobs.get(requestId)
  }

  /** Accepts a request: records it, and starts its "model" in the background. */
  submit(input: {
    readonly route?: string
    readonly model: FalModel
    readonly account: string
    readonly body: unknown
    readonly webhookUrl?: string
    readonly noFace: boolean
  }): FalJob {
    const runtime = this.#runtime
    const submittedAt = Date.now()
    const requestId = runtime.ids.uuid()
    const outputDirectory = `/__fal/cdn/files/${runtime.ids.hex(24)}`
    const queueMs = Math.round(runtime.jobDurationMs * QUEUE_SHARE)
    const route = input.route ?? 'fal.submit'
    let markPrepared = (): void => undefined
    const job: FalJob = {
      prepared: new Promise<void>((resolve) => (markPrepared = resolve)),
      requestId,
      route,
      model: input.model,
      account: input.account,
      submittedAt,
      startAt: submittedAt + queueMs,
      doneAt: submittedAt + runtime.jobDurationMs,
      ...(input.webhookUrl === undefined ? {} : { webhookUrl: input.webhookUrl }),
      settled: false,
    }
    this.#jobs.set(requestId, job)
    const model = input.model.endpointId
    const digest = inputDigestOfUrl((input.body as Record<string, unknown> | null)?.[input.model.faceField], runtime.files, runtime.baseUrl)
    runtime.ledger.openJob({ provider: 'fal', account: input.account, requestId, model, submittedAt, ...(digest === undefined ? {} : { inputDigest: digest }) })
    runtime.ledger.record({ provider: 'fal', account: input.account, route, kind: 'submission', requestId, model, at: submittedAt })
    void runFalModel(runtime, input.model, input.body, { noFace: input.noFace, outputDirectory })
      .catch((error: unknown): FalOutcome => ({
        ok: false,
        status: 500,
        body: { detail: `Emulator error: ${error instanceof Error ? error.message : String(error)}`, error_type: 'internal_error' },
        errorType: 'internal_error',
      }))
      .then((outcome) => {
        job.outcome = outcome
        job.preparedAt = Date.now()
        markPrepared()
        if (job.webhookUrl) {
          const wait = Math.max(0, job.doneAt - Date.now())
          setTimeout(() => this.settle(job), wait).unref()
        }
      })
    return job
  }

  phase(job: FalJob, now = Date.now()): FalPhase {
    if (job.cancelledAt !== undefined) return 'COMPLETED'
    if (now < job.startAt) return 'IN_QUEUE'
    if (now < job.doneAt || !job.outcome) return 'IN_PROGRESS'
    return 'COMPLETED'
  }

  /** When the job reached COMPLETED (undefined while it has not). */
  completedAt(job: FalJob): number | undefined {
    if (job.cancelledAt !== undefined) return job.cancelledAt
    if (!job.outcome || job.preparedAt === undefined) return undefined
    return Math.max(job.doneAt, job.preparedAt)
  }

  /** 0 = next to run. Counts earlier requests of the same app still waiting. */
  queuePosition(job: FalJob, now = Date.now()): number {
    let position = 0
    for (const other of this.#jobs.values()) {
      if (other === job || other.model.appId !== job.model.appId || other.submittedAt > job.submittedAt) continue
      if (other.cancelledAt === undefined && now < other.startAt) position += 1
    }
    return position
  }

  /** The log lines a running job has printed so far. */
  logs(job: FalJob, now = Date.now()): { message: string; level: string; source: string; timestamp: string }[] {
    if (now < job.startAt) return []
    const runMs = Math.max(1, job.doneAt - job.startAt)
    const until = job.cancelledAt ?? now
    return LOG_SCRIPT.filter(([share]) => job.startAt + share * runMs <= until).map(([share, message]) => ({
      message,
      level: 'INFO',
      source: 'USER',
      timestamp: new Date(job.startAt + share * runMs).toISOString(),
    }))
  }

  /** Asks a job to stop: `cancelled`, or `already-completed` when it had finished. */
  cancel(job: FalJob): 'cancelled' | 'already-completed' {
    const now = Date.now()
    if (job.cancelledAt !== undefined) return 'cancelled'
    if (this.phase(job, now) === 'COMPLETED') return 'already-completed'
    job.cancelledAt = now
    const model = job.model.endpointId
    this.#runtime.ledger.record({ provider: 'fal', account: job.account, route: 'fal.cancel', kind: 'cancel', requestId: job.requestId, model, at: now })
    this.settle(job)
    return 'cancelled'
  }

  /** Charges or releases credits once the job is terminal, and sends its webhook. */
  settle(job: FalJob): void {
    const completedAt = this.completedAt(job)
    if (job.settled || completedAt === undefined || completedAt > Date.now()) return
    // A job from before a reset is forgotten: it must not touch the fresh balances or ledger.
    if (this.#jobs.get(job.requestId) !== job) return
    job.settled = true
    const { ledger, accounts } = this.#runtime
    const model = job.model.endpointId
    if (job.cancelledAt !== undefined) {
      accounts.release('fal', job.account, FAL_REQUEST_CREDITS)
      ledger.finishJob(job.requestId, 'cancelled', completedAt)
      return
    }
    const outcome = job.outcome
    if (outcome?.ok) {
      accounts.commit('fal', job.account, FAL_REQUEST_CREDITS)
      ledger.record({
        provider: 'fal',
        account: job.account,
        route: job.route,
        kind: 'charge',
        requestId: job.requestId,
        model,
        credits: FAL_REQUEST_CREDITS,
        at: completedAt,
      })
      ledger.finishJob(job.requestId, 'completed', completedAt)
    } else {
      accounts.release('fal', job.account, FAL_REQUEST_CREDITS)
      ledger.finishJob(job.requestId, 'failed', completedAt, outcome?.errorType)
    }
    if (job.webhookUrl && outcome) void this.#sendWebhook(job, job.webhookUrl, outcome)
  }

  settleAll(): void {
    for (const job of this.#jobs.values()) if (!job.settled) this.settle(job)
  }

  async #sendWebhook(job: FalJob, url: string, outcome: FalOutcome): Promise<void> {
    const runtime = this.#runtime
    const body = JSON.stringify({
      request_id: job.requestId,
      gateway_request_id: job.requestId,
      status: outcome.ok ? 'OK' : 'ERROR',
      payload: outcome.ok ? outcome.output : outcome.body,
      ...(outcome.ok ? {} : { error: `Invalid status code: ${outcome.status}` }),
    })
    const delivered = await deliverJobWebhook(runtime, {
      jobId: job.requestId,
      url,
      body,
      headers: (timestamp) => ({
        'x-fal-webhook-request-id': job.requestId,
        'x-fal-webhook-user-id': job.account,
        'x-fal-webhook-timestamp': timestamp,
        'x-fal-webhook-signature': signFalWebhook(runtime.falWebhookKeys.privateKey, { requestId: job.requestId, userId: job.account, timestamp, body }),
      }),
    })
    if (delivered) runtime.ledger.markCompletionSeen(job.requestId)
  }
}
