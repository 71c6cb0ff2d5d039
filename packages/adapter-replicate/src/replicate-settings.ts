import { PortraitAnimatorError, registerSecret } from '@portrait-animator/core'
import { z } from 'zod'
import { API_KEY_VARIABLE, DEFAULT_BASE_URL, PROVIDER } from './replicate-limits.js'

/** Options of `createReplicate` (and the router's `settings` for the `replicate` adapter). */
export interface ReplicateSettings {
  /**
   * The Replicate API token, sent as `Authorization: Bearer <token>` to the API only.
   * @default process.env.REPLICATE_API_TOKEN
   */
  readonly apiKey?: string
  /**
   * Where the API lives, `/v1` included: the emulator (`http://127.0.0.1:4010/v1`) or the service.
   * @default 'https://api.replicate.com/v1'
   */
  readonly baseUrl?: string
  /**
   * The model version to run (`POST /v1/predictions` with `version`); unset, the model's latest
   * version runs (`POST /v1/models/fofr/live-portrait/predictions`).
   */
  readonly version?: string
  /** @default 1000 ms between two status checks (start to start). */
  readonly pollIntervalMs?: number
  /**
   * Seconds to hold the create call open with `Prefer: wait=n` (1..60) so a short prediction answers
   * finished; 0 sends no `Prefer` header.
   * @default 0
   */
  readonly waitSeconds?: number
  /**
   * US dollars per second of prediction time, to price results from `metrics.predict_time`.
   * Replicate's price for an Nvidia L40S GPU (`gpu-l40s`, replicate.com/pricing).
   * @default 0.000975
   */
  readonly usdPerSecond?: number
  /** The driving video of the `live-photo` preset, instead of the clip bundled with adapter-fal. */
  readonly drivingVideoUrl?: string
  /**
   * A URL Replicate calls with the prediction as it changes (`webhook` on create). Verify its
   * calls with `verifyReplicateWebhook`. Replicate wants https; the emulator loopback http.
   */
  readonly webhookUrl?: string
  /**
   * Which events call `webhookUrl` (`webhook_events_filter`): `start`, `output`, `logs`, `completed`.
   * Needs `webhookUrl`.
   * @default Replicate's default, every event
   */
  readonly webhookEventsFilter?: readonly ReplicateWebhookEventType[]
  /** Accept input URLs on private or loopback networks (emulator only). @default false */
  readonly allowPrivateNetwork?: boolean
  /** The fetch for API calls, output downloads and URL inputs (a proxy, a test double). */
  readonly fetch?: typeof globalThis.fetch
}

/** A prediction event a webhook can be called for. */
export type ReplicateWebhookEventType = 'start' | 'output' | 'logs' | 'completed'

/** Settings with every default applied. */
export interface ResolvedSettings {
  readonly apiKey: string | undefined
  readonly baseUrl: string
  readonly version: string | undefined
  readonly pollIntervalMs: number
  readonly waitSeconds: number
  readonly usdPerSecond: number
  readonly drivingVideoUrl: string | undefined
  readonly webhookUrl: string | undefined
  readonly webhookEventsFilter: readonly ReplicateWebhookEventType[] | undefined
  readonly allowPrivateNetwork: boolean
  readonly fetch: typeof globalThis.fetch | undefined
}

const settingsSchema = z.strictObject({
  apiKey: z.string().min(1).optional(),
  baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  version: z.string().regex(/^[0-9a-f]{64}$/, 'must be a 64-character hex version id').optional(),
  pollIntervalMs: z.number().int().min(1).max(3_600_000).optional(),
  waitSeconds: z.number().int().min(0).max(60).optional(),
  usdPerSecond: z.number().min(0).max(1).optional(),
  drivingVideoUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  webhookUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  webhookEventsFilter: z
    .array(z.enum(['start', 'output', 'logs', 'completed']))
    .min(1)
    .refine((events) => new Set(events).size === events.length, 'must not repeat an event')
    .optional(),
  allowPrivateNetwork: z.boolean().optional(),
  fetch: z.custom<typeof globalThis.fetch>((value) => typeof value === 'function', 'must be a function').optional(),
})

/**
 * Checks settings and applies defaults.
 * @throws PortraitAnimatorError `invalid_config` naming the setting.
 */
export function resolveSettings(settings: ReplicateSettings): ResolvedSettings {
  const parsed = settingsSchema.safeParse(settings)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const field = issue?.path.join('.') || 'settings'
    throw new PortraitAnimatorError({ kind: 'invalid_config', message: `Invalid Replicate setting ${field}: ${issue?.message ?? 'invalid'}.`, provider: PROVIDER, field })
  }
  const value = parsed.data
  if (value.webhookEventsFilter !== undefined && value.webhookUrl === undefined) {
    throw new PortraitAnimatorError({ kind: 'invalid_config', message: 'Invalid Replicate setting webhookEventsFilter: it needs webhookUrl.', provider: PROVIDER, field: 'webhookEventsFilter' })
  }
  const apiKey = value.apiKey ?? (process.env[API_KEY_VARIABLE] || undefined)
  if (apiKey !== undefined) registerSecret(apiKey)
  return {
    apiKey,
    baseUrl: (value.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, ''),
    version: value.version,
    pollIntervalMs: value.pollIntervalMs ?? 1000,
    waitSeconds: value.waitSeconds ?? 0,
    usdPerSecond: value.usdPerSecond ?? 0.000975,
    drivingVideoUrl: value.drivingVideoUrl,
    webhookUrl: value.webhookUrl,
    webhookEventsFilter: value.webhookEventsFilter,
    allowPrivateNetwork: value.allowPrivateNetwork ?? false,
    fetch: value.fetch,
  }
}
