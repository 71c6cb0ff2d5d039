import type { EmulatorRuntime } from './emulator-runtime.js'
import { imageHasFace } from './face-heuristic.js'
import { mp4DurationSeconds } from './media-duration.js'
import { mp4VideoFrameCount } from './mp4-frame-count.js'
import { resolveMedia } from './media-resolver.js'
import { sniffImageFormat } from './media-sniff.js'
import { videoSpecFor } from './mp4-output.js'
import type { ReplicateModel } from './replicate-models.js'
import { ReplicateWebhookSender, type ReplicateWebhook } from './replicate-webhooks.js'

/** Prediction states, as `GET /v1/predictions/{id}` reports them. */
export type ReplicateStatus = 'starting' | 'processing' | 'succeeded' | 'failed' | 'canceled'

type Outcome = { readonly ok: true; readonly video: Buffer } | { readonly ok: false; readonly error: string }

/** One prediction. Its status is computed from timestamps. */
export interface ReplicatePrediction {
  readonly id: string
  readonly account: string
  readonly model: ReplicateModel
  readonly input: Readonly<Record<string, unknown>>
  readonly createdAt: number
  readonly startAt: number
  readonly doneAt: number
  outcome?: Outcome
  canceledAt?: number
  settled: boolean
  /** Where its events are sent (`webhook`, `webhook_events_filter`). */
  readonly webhook?: ReplicateWebhook
  /** Whether its `start` and `logs` events were queued. */
  startSent?: boolean
}

const VIDEO_SIZE = 256

/** fofr/live-portrait's default `video_frame_load_cap`: at most this many driving frames are used (0: all). */
export const DEFAULT_FRAME_LOAD_CAP = 128

/** How long the output runs: the driving video, cut after `video_frame_load_cap` frames. */
function drivenSeconds(driver: Buffer | undefined, frameLoadCap: unknown): number {
  const seconds = (driver && mp4DurationSeconds(driver)) || 1
  const frames = driver && mp4VideoFrameCount(driver)
  const cap = typeof frameLoadCap === 'number' ? frameLoadCap : DEFAULT_FRAME_LOAD_CAP
  return frames && cap > 0 && cap < frames ? (seconds * cap) / frames : seconds
}
const QUEUE_SHARE = 0.3
const TERMINAL: readonly ReplicateStatus[] = ['succeeded', 'failed', 'canceled']

/**
 * Every Replicate prediction: creation (credits reserved), status over `jobDurationMs`,
 * cancellation, and settlement: a charge on success only; a failed or canceled prediction
 * releases its reservation and is never charged. A prediction with a webhook gets its events
 * (`start` and `logs` when it starts running, `output` and `completed` when it ends) as they happen.
 */
export class ReplicatePredictionStore {
  readonly #runtime: EmulatorRuntime
  readonly #predictions = new Map<string, ReplicatePrediction>()
  readonly #webhooks: ReplicateWebhookSender

  constructor(runtime: EmulatorRuntime) {
    this.#runtime = runtime
    this.#webhooks = new ReplicateWebhookSender(runtime)
    runtime.ledger.onBeforeRead(() => {
      for (const prediction of this.#predictions.values()) this.settle(prediction)
    })
    runtime.onReset(() => this.#predictions.clear())
  }

  get(id: string): ReplicatePrediction | undefined {
    return this.#predictions.get(id)
  }

  /** Accepts a prediction (its credits already reserved) and starts rendering in the background. */
  create(account: string, model: ReplicateModel, input: Record<string, unknown>, noFace: boolean, inputDigest?: string, webhook?: ReplicateWebhook): ReplicatePrediction {
    const runtime = this.#runtime
    const createdAt = Date.now()
    const prediction: ReplicatePrediction = {
      id: runtime.ids.hex(26),
      account,
      model,
      input,
      createdAt,
      startAt: createdAt + Math.round(runtime.jobDurationMs * QUEUE_SHARE),
      doneAt: createdAt + runtime.jobDurationMs,
      settled: false,
      ...(webhook === undefined ? {} : { webhook }),
    }
    this.#predictions.set(prediction.id, prediction)
    const base = { provider: 'replicate' as const, account, requestId: prediction.id, model: model.id }
    runtime.ledger.openJob({ ...base, submittedAt: createdAt, ...(inputDigest === undefined ? {} : { inputDigest }) })
    runtime.ledger.record({ ...base, route: 'replicate.create', kind: 'submission', at: createdAt })
    void this.#render(prediction, noFace)
      .catch((error: unknown): Outcome => ({ ok: false, error: error instanceof Error ? error.message : String(error) }))
      .then((outcome) => {
        prediction.outcome = outcome
        if (webhook) this.#settleAt(prediction)
      })
    if (webhook) this.#startAt(prediction)
    return prediction
  }

  /** Sends `start` and `logs` when a prediction with a webhook begins to run (a timer may fire early). */
  #startAt(prediction: ReplicatePrediction): void {
    const webhook = prediction.webhook
    if (!webhook || this.#predictions.get(prediction.id) !== prediction) return
    const status = this.status(prediction)
    if (status === 'starting') {
      setTimeout(() => this.#startAt(prediction), Math.max(1, prediction.startAt - Date.now())).unref()
      return
    }
    this.#sendStart(prediction, webhook)
  }

  /** Queues `start` and `logs` once, with the prediction as it was when it began to run. */
  #sendStart(prediction: ReplicatePrediction, webhook: ReplicateWebhook): void {
    if (prediction.startSent || (prediction.canceledAt !== undefined && prediction.canceledAt < prediction.startAt)) return
    prediction.startSent = true
    for (const event of ['start', 'logs'] as const) this.#webhooks.send(prediction.id, webhook, event, () => this.#body(prediction, prediction.startAt))
  }

  /** Settles a prediction with a webhook when it ends, without waiting for a read. */
  #settleAt(prediction: ReplicatePrediction): void {
    this.settle(prediction)
    if (prediction.settled || this.#predictions.get(prediction.id) !== prediction) return
    setTimeout(() => this.#settleAt(prediction), Math.max(1, prediction.doneAt - Date.now())).unref()
  }

  /** Sends the events of a prediction's end: `output` when it succeeded, then `completed`. */
  #ended(prediction: ReplicatePrediction): void {
    const webhook = prediction.webhook
    if (!webhook) return
    this.#sendStart(prediction, webhook)
    if (this.status(prediction) === 'succeeded') this.#webhooks.send(prediction.id, webhook, 'output', () => this.#body(prediction))
    this.#webhooks.send(prediction.id, webhook, 'completed', () => this.#body(prediction))
  }

  status(prediction: ReplicatePrediction, now = Date.now()): ReplicateStatus {
    if (prediction.canceledAt !== undefined) return 'canceled'
    if (now < prediction.startAt) return 'starting'
    if (now < prediction.doneAt || !prediction.outcome) return 'processing'
    return prediction.outcome.ok ? 'succeeded' : 'failed'
  }

  /** Whether the prediction has reached a terminal state. */
  isTerminal(prediction: ReplicatePrediction): boolean {
    return TERMINAL.includes(this.status(prediction))
  }

  /** Cancels a prediction still starting or processing; a finished one is left as it is. */
  cancel(prediction: ReplicatePrediction): void {
    const now = Date.now()
    if (this.isTerminal(prediction)) return
    prediction.canceledAt = now
    prediction.settled = true
    const { ledger, accounts } = this.#runtime
    ledger.record({ provider: 'replicate', account: prediction.account, route: 'replicate.cancel', kind: 'cancel', requestId: prediction.id, model: prediction.model.id, at: now })
    accounts.release('replicate', prediction.account, prediction.model.credits)
    ledger.finishJob(prediction.id, 'cancelled', now)
    this.#ended(prediction)
  }

  /** Charges a succeeded prediction, or releases a failed one's credits, once it is terminal. */
  settle(prediction: ReplicatePrediction): void {
    if (prediction.settled || !prediction.outcome || this.#predictions.get(prediction.id) !== prediction) return
    if (prediction.doneAt > Date.now()) return
    prediction.settled = true
    const { ledger, accounts } = this.#runtime
    const { account, model } = prediction
    if (prediction.outcome.ok) {
      accounts.commit('replicate', account, model.credits)
      ledger.record({ provider: 'replicate', account, route: 'replicate.get', kind: 'charge', requestId: prediction.id, model: model.id, credits: model.credits, at: prediction.doneAt })
      ledger.finishJob(prediction.id, 'completed', prediction.doneAt)
    } else {
      accounts.release('replicate', account, model.credits)
      ledger.finishJob(prediction.id, 'failed', prediction.doneAt, 'prediction_failed')
    }
    this.#ended(prediction)
  }

  /** The prediction object Replicate answers with. */
  toJson(prediction: ReplicatePrediction, now = Date.now()): Record<string, unknown> {
    this.settle(prediction)
    return this.#body(prediction, now)
  }

  /** The prediction object at `now`, without settling it. */
  #body(prediction: ReplicatePrediction, now = Date.now()): Record<string, unknown> {
    const status = this.status(prediction, now)
    const { id, outcome } = prediction
    const url = (path: string): string => this.#runtime.url(path)
    return {
      id,
      model: prediction.model.id,
      version: prediction.model.version,
      input: prediction.input,
      logs: status === 'starting' ? '' : 'Animating portrait...\n',
      output: status === 'succeeded' ? [url(`/__replicate/delivery/${id}/output.mp4`)] : null,
      data_removed: false,
      error: status === 'failed' && outcome && !outcome.ok ? outcome.error : null,
      status,
      source: 'api',
      created_at: new Date(prediction.createdAt).toISOString(),
      started_at: status === 'starting' ? null : new Date(prediction.startAt).toISOString(),
      completed_at: TERMINAL.includes(status) ? new Date(prediction.canceledAt ?? prediction.doneAt).toISOString() : null,
      metrics: status === 'succeeded' ? { predict_time: (prediction.doneAt - prediction.startAt) / 1000 } : {},
      urls: {
        get: url(`/v1/predictions/${id}`),
        cancel: url(`/v1/predictions/${id}/cancel`),
        web: `https://replicate.com/p/${id}`,
      },
    }
  }

  async #media(text: unknown): Promise<Buffer | 'missing' | undefined> {
    if (typeof text !== 'string') return 'missing'
    const resolved = await resolveMedia(text, { files: this.#runtime.files, baseUrl: this.#runtime.baseUrl, signal: this.#runtime.stopSignal })
    if (resolved.kind === 'bytes') return resolved.bytes
    return resolved.kind === 'remote' ? undefined : 'missing'
  }

  async #render(prediction: ReplicatePrediction, noFace: boolean): Promise<Outcome> {
    const { model, input } = prediction
    const image = await this.#media(input[model.faceField])
    if (image === 'missing' || (image && sniffImageFormat(image) === 'unknown')) return { ok: false, error: `Could not read ${model.faceField} as an image` }
    const driver = await this.#media(input[model.drivingField])
    if (driver === 'missing') return { ok: false, error: `Could not read ${model.drivingField}` }
    const hasFace = noFace ? false : image ? await imageHasFace(image) : true
    if (hasFace === false) return { ok: false, error: 'No face detected in the source image' }
    const seconds = drivenSeconds(driver, input.video_frame_load_cap)
    const video = await this.#runtime.videos.render(videoSpecFor(seconds, VIDEO_SIZE, VIDEO_SIZE), { portrait: image ?? undefined })
    return { ok: true, video }
  }
}
