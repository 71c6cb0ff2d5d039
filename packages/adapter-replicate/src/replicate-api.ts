import { PortraitAnimatorError } from '@portrait-animator/core'
import Replicate from 'replicate'
import { z } from 'zod'
import { replicateError, type ReplicateOperation } from './replicate-errors.js'
import { singleShotFetch } from './replicate-fetch.js'
import { MODEL_ID, PROVIDER, REPLICATE_MODEL } from './replicate-limits.js'
import type { ReplicateWebhookEventType, ResolvedSettings } from './replicate-settings.js'

/** The prediction fields this adapter reads; the rest is passed over. */
export const predictionSchema = z.looseObject({
  id: z.string().min(1),
  status: z.enum(['starting', 'processing', 'succeeded', 'failed', 'canceled', 'aborted']),
  output: z.unknown().optional(),
  error: z.unknown().optional(),
  logs: z.string().nullish(),
  metrics: z.looseObject({ predict_time: z.number().optional() }).nullish(),
  urls: z.looseObject({ get: z.string().optional(), cancel: z.string().optional() }).nullish(),
})

/** A prediction as Replicate reports it. */
export type ReplicatePrediction = z.infer<typeof predictionSchema>

/** The three prediction calls, through the official client, with errors mapped to kinds. */
export interface ReplicateApi {
  create(input: Readonly<Record<string, unknown>>, signal: AbortSignal): Promise<ReplicatePrediction>
  get(id: string, signal: AbortSignal): Promise<ReplicatePrediction>
  cancel(id: string, signal: AbortSignal): Promise<ReplicatePrediction>
}

function parsePrediction(value: unknown, operation: ReplicateOperation, requestId?: string): ReplicatePrediction {
  const parsed = predictionSchema.safeParse(value)
  if (parsed.success) return parsed.data
  throw new PortraitAnimatorError({
    kind: 'provider_error',
    message: `Replicate ${operation} answered with an unexpected prediction: ${parsed.error.issues[0]?.message ?? 'invalid'}.`,
    provider: PROVIDER,
    modelId: MODEL_ID,
    accepted: operation === 'create' ? 'unknown' : true,
    ...(requestId === undefined ? {} : { requestId }),
  })
}

/** `webhook` and `webhook_events_filter` of a create call, when a webhook is set. */
function webhookOptions(settings: ResolvedSettings): { webhook?: string; webhook_events_filter?: ReplicateWebhookEventType[] } {
  if (settings.webhookUrl === undefined) return {}
  return { webhook: settings.webhookUrl, ...(settings.webhookEventsFilter === undefined ? {} : { webhook_events_filter: [...settings.webhookEventsFilter] }) }
}

/**
 * The API over `replicate` 1.4.0: create by model (`POST /v1/models/fofr/live-portrait/predictions`)
 * or by version (`POST /v1/predictions`), `GET /v1/predictions/{id}`, `POST .../cancel`. One request
 * per call on the wire (see `singleShotFetch`).
 */
export function createReplicateApi(settings: ResolvedSettings & { readonly apiKey: string }): ReplicateApi {
  const client = new Replicate({
    auth: settings.apiKey,
    baseUrl: settings.baseUrl,
    userAgent: 'portrait-animator/0.1.0',
    fetch: singleShotFetch(settings.fetch ?? globalThis.fetch),
  })
  const call = async <T>(operation: ReplicateOperation, run: () => Promise<T>, requestId?: string): Promise<T> => {
    try {
      return await run()
    } catch (error) {
      throw replicateError(error, { modelId: MODEL_ID, operation, ...(requestId === undefined ? {} : { requestId }) })
    }
  }
  const target = settings.version === undefined ? { model: REPLICATE_MODEL } : { version: settings.version }
  return {
    async create(input, signal) {
      const wait = settings.waitSeconds > 0 ? { wait: settings.waitSeconds } : {}
      const webhook = webhookOptions(settings)
      return parsePrediction(await call('create', () => client.predictions.create({ ...target, input, ...wait, ...webhook, signal })), 'create')
    },
    async get(id, signal) {
      return parsePrediction(await call('get', () => client.predictions.get(id, { signal }), id), 'get', id)
    },
    async cancel(id, signal) {
      return parsePrediction(await call('cancel', () => client.predictions.cancel(id, { signal }), id), 'cancel', id)
    },
  }
}
