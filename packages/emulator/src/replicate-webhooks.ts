import type { EmulatorRuntime } from './emulator-runtime.js'
import { parseLoopbackUrl } from './loopback-url.js'
import { signReplicateWebhook } from './replicate-webhook-signing.js'
import { deliverJobWebhook } from './webhook-delivery.js'

/** The events a prediction's webhook can be sent for (`webhook_events_filter`). */
export type ReplicateWebhookEvent = 'start' | 'output' | 'logs' | 'completed'

/** Every event, in the order they happen; also what a webhook without a filter gets. */
export const REPLICATE_WEBHOOK_EVENTS: readonly ReplicateWebhookEvent[] = ['start', 'output', 'logs', 'completed']

/** Where a prediction's webhook goes and for which events. */
export interface ReplicateWebhook {
  readonly url: string
  readonly events: ReadonlySet<ReplicateWebhookEvent>
}

/**
 * Reads `webhook` and `webhook_events_filter` from a create body: no webhook, the webhook, or the
 * 422 detail. The emulator delivers to loopback http(s) URLs only.
 */
export function parseReplicateWebhook(body: Readonly<Record<string, unknown>>): { webhook?: ReplicateWebhook } | { problem: string } {
  const url = body.webhook
  const filter = body.webhook_events_filter
  if (url === undefined || url === null || url === '') {
    return filter === undefined || filter === null ? {} : { problem: 'webhook_events_filter: requires a webhook' }
  }
  if (typeof url !== 'string' || !parseLoopbackUrl(url)) return { problem: 'webhook: the emulator delivers webhooks to loopback http(s) URLs only' }
  if (filter === undefined || filter === null) return { webhook: { url, events: new Set(REPLICATE_WEBHOOK_EVENTS) } }
  if (!Array.isArray(filter) || filter.length === 0) return { problem: 'webhook_events_filter: Invalid type. Expected: non-empty array' }
  const unknown = filter.find((event) => !REPLICATE_WEBHOOK_EVENTS.includes(event as ReplicateWebhookEvent))
  if (unknown !== undefined) return { problem: `webhook_events_filter: ${JSON.stringify(unknown)} is not one of ${REPLICATE_WEBHOOK_EVENTS.join(', ')}` }
  return { webhook: { url, events: new Set(filter as ReplicateWebhookEvent[]) } }
}

/**
 * Sends one prediction's webhook calls in order, each signed the Standard Webhooks way
 * (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>`) with the emulator's secret,
 * retried like the other providers' webhooks, every attempt in the ledger.
 */
export class ReplicateWebhookSender {
  readonly #runtime: EmulatorRuntime
  readonly #queues = new Map<string, Promise<void>>()

  constructor(runtime: EmulatorRuntime) {
    this.#runtime = runtime
    runtime.onReset(() => this.#queues.clear())
  }

  /** Queues `event` for the prediction when its filter takes it, with the prediction as it is now. */
  send(predictionId: string, webhook: ReplicateWebhook, event: ReplicateWebhookEvent, prediction: () => Record<string, unknown>): void {
    if (!webhook.events.has(event)) return
    const body = JSON.stringify(prediction())
    const previous = this.#queues.get(predictionId) ?? Promise.resolve()
    const next = previous.then(() => this.#deliver(predictionId, webhook.url, event, body))
    this.#queues.set(predictionId, next)
  }

  async #deliver(predictionId: string, url: string, event: ReplicateWebhookEvent, body: string): Promise<void> {
    const runtime = this.#runtime
    const id = `msg_${predictionId}_${event}`
    const delivered = await deliverJobWebhook(runtime, {
      jobId: predictionId,
      url,
      body,
      headers: (timestamp) => ({ 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signReplicateWebhook(runtime.replicateWebhookSecret, { id, timestamp, body }) }),
    }).catch(() => false)
    if (delivered && event === 'completed') runtime.ledger.markCompletionSeen(predictionId)
  }
}
