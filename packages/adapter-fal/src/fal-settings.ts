import { PortraitAnimatorError } from '@portrait-animator/core'
import { z } from 'zod'

/** How `animate` follows a job until it completes. */
export type FalStatusMode = 'auto' | 'streaming' | 'polling'

/** A lifetime for files fal stores: seconds, or `'never'` to keep them. */
export type FalLifetime = number | 'never'

/**
 * Options of `createFal`.
 *
 * @example
 * ```ts
 * const fal = createFal({ apiKey: process.env.FAL_KEY, outputLifetimeSeconds: 3600 })
 * ```
 */
export interface FalSettings {
  /**
   * The fal key (`key` or `key-id:key-secret`). Registered as a secret, so it never appears in an
   * error, event or log.
   * @default process.env.FAL_KEY, else `${FAL_KEY_ID}:${FAL_KEY_SECRET}` when both are set
   */
  readonly apiKey?: string
  /**
   * Stands in for every fal host (`queue.fal.run`, `fal.run`, `rest.fal.ai`, `rest.alpha.fal.ai`):
   * requests keep their path and query and go to this origin (and path prefix) instead. This is
   * how tests and users point the adapter at the emulator or a proxy.
   * @example 'http://127.0.0.1:8787'
   */
  readonly baseUrl?: string
  /**
   * The `fetch` every request goes through (the fal client's calls, uploads and downloads).
   * @default undici's fetch over core's keep-alive pools (a pool per origin, 256 connections, the
   * status streams uncapped) for fal's API and uploads, core's HTTP client for downloads
   */
  readonly fetch?: typeof globalThis.fetch
  /**
   * Milliseconds between status requests when polling. Never below 500: at most two status
   * requests per second per job.
   * @default 500
   */
  readonly pollIntervalMs?: number
  /**
   * `streaming` follows a job over fal's server-sent status stream (`/status/stream`), `polling`
   * asks for the status every `pollIntervalMs`, `auto` streams and falls back to polling when the
   * stream is not available (remembered for the rest of the process).
   * @default 'auto'
   */
  readonly statusMode?: FalStatusMode
  /**
   * How long fal keeps the outputs it generates (`X-Fal-Object-Lifecycle-Preference`), in seconds,
   * or `'never'` to keep them. The result's `output.expiresAt` follows from it.
   * @default the account's own setting (the header is not sent)
   */
  readonly outputLifetimeSeconds?: FalLifetime
  /**
   * How long fal storage keeps the inputs this adapter uploads (portraits, audio, driving clips).
   * @default 86400 (one day: long enough for a queued job, short enough not to keep faces around)
   */
  readonly uploadLifetimeSeconds?: FalLifetime
  /**
   * Uploads to fal storage running at once, for this provider instance. Each distinct input (by
   * SHA-256 of its bytes) is uploaded once and reused while its upload lives, so 200 jobs with the
   * same portrait make one upload.
   * @default 8
   */
  readonly maxConcurrentUploads?: number
  /**
   * A URL fal can fetch for the driving clip of the `live-photo` preset, so the clip bundled with
   * this package is not uploaded again.
   * @default the bundled clip, uploaded once per process and reused while its upload lives
   */
  readonly drivingVideoUrl?: string
  /**
   * Accept input URLs on private, loopback and link-local networks (an emulator, an intranet).
   * @default false
   */
  readonly allowPrivateNetwork?: boolean
  /** A URL fal calls when a job ends (`?fal_webhook=`). Verify its calls with `verifyFalWebhook`. */
  readonly webhookUrl?: string
  /**
   * The queue priority fal gives new jobs.
   * @default 'normal'
   */
  readonly priority?: 'normal' | 'low'
  /**
   * Milliseconds to wait for the headers of one HTTP response, and between chunks of a body (the
   * status stream's excepted). With the default `fetch` the wait is timed from when the request is
   * written to a connection, so requests queued for a connection under load do not time out;
   * with a custom `fetch` it starts at the call, and uploads are not timed.
   * @default 30000
   */
  readonly requestTimeoutMs?: number
  /**
   * Milliseconds to wait for fal to confirm a cancellation after an abort or a deadline before
   * the call gives up on it and reports the abort.
   * @default 2000
   */
  readonly cancelTimeoutMs?: number
  /** Extra hosts outputs may be downloaded from, besides fal's CDN and `baseUrl`. */
  readonly trustedOutputHosts?: readonly string[]
}

/** Settings after validation and defaults. */
export interface ResolvedFalSettings {
  readonly apiKey: string | undefined
  readonly baseUrl: URL | undefined
  readonly fetch: typeof globalThis.fetch | undefined
  readonly pollIntervalMs: number
  readonly statusMode: FalStatusMode
  readonly outputLifetimeSeconds: FalLifetime | undefined
  readonly uploadLifetimeSeconds: FalLifetime
  readonly maxConcurrentUploads: number
  readonly drivingVideoUrl: string | undefined
  readonly allowPrivateNetwork: boolean
  readonly webhookUrl: string | undefined
  readonly priority: 'normal' | 'low'
  readonly requestTimeoutMs: number
  readonly cancelTimeoutMs: number
  readonly trustedOutputHosts: readonly string[]
}

/** The default of `maxConcurrentUploads`: enough to fill a link, few enough to hold little memory. */
export const DEFAULT_MAX_CONCURRENT_UPLOADS = 8

/** The smallest polling interval: two status requests per second per job at most. */
export const MIN_POLL_INTERVAL_MS = 500

const lifetime = z.union([z.number().int().positive(), z.literal('never')])
const httpUrl = z.url({ protocol: /^https?$/ })

const settingsSchema = z.object({
  apiKey: z.string().min(1).optional(),
  baseUrl: httpUrl.optional(),
  fetch: z.custom<typeof globalThis.fetch>((value) => typeof value === 'function', 'must be a function').optional(),
  pollIntervalMs: z.number().int().min(MIN_POLL_INTERVAL_MS).optional(),
  statusMode: z.enum(['auto', 'streaming', 'polling']).optional(),
  outputLifetimeSeconds: lifetime.optional(),
  uploadLifetimeSeconds: lifetime.optional(),
  maxConcurrentUploads: z.number().int().min(1).max(1024).optional(),
  drivingVideoUrl: httpUrl.optional(),
  allowPrivateNetwork: z.boolean().optional(),
  webhookUrl: httpUrl.optional(),
  priority: z.enum(['normal', 'low']).optional(),
  requestTimeoutMs: z.number().int().positive().optional(),
  cancelTimeoutMs: z.number().int().positive().optional(),
  trustedOutputHosts: z.array(z.string().min(1)).optional(),
})

/**
 * The key from the settings, else from the environment the way fal's own client reads it:
 * `FAL_KEY`, or `FAL_KEY_ID` and `FAL_KEY_SECRET` joined with `:`.
 */
export function resolveFalKey(apiKey: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (apiKey) return apiKey
  if (env.FAL_KEY) return env.FAL_KEY
  if (env.FAL_KEY_ID && env.FAL_KEY_SECRET) return `${env.FAL_KEY_ID}:${env.FAL_KEY_SECRET}`
  return undefined
}

/**
 * Validates the settings and fills in defaults.
 * @throws PortraitAnimatorError `invalid_config` naming the setting at fault.
 */
export function resolveFalSettings(settings: FalSettings, env: NodeJS.ProcessEnv = process.env): ResolvedFalSettings {
  const parsed = settingsSchema.safeParse(settings)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const path = issue?.path.join('.') || 'settings'
    throw new PortraitAnimatorError({
      kind: 'invalid_config',
      message: `Invalid fal setting ${path}: ${issue?.message ?? 'invalid value'}.`,
      provider: 'fal',
      field: path,
    })
  }
  const value = parsed.data
  return {
    apiKey: resolveFalKey(value.apiKey, env),
    baseUrl: value.baseUrl === undefined ? undefined : new URL(value.baseUrl),
    fetch: value.fetch,
    pollIntervalMs: value.pollIntervalMs ?? MIN_POLL_INTERVAL_MS,
    statusMode: value.statusMode ?? 'auto',
    outputLifetimeSeconds: value.outputLifetimeSeconds,
    uploadLifetimeSeconds: value.uploadLifetimeSeconds ?? 86_400,
    maxConcurrentUploads: value.maxConcurrentUploads ?? DEFAULT_MAX_CONCURRENT_UPLOADS,
    drivingVideoUrl: value.drivingVideoUrl,
    allowPrivateNetwork: value.allowPrivateNetwork ?? false,
    webhookUrl: value.webhookUrl,
    priority: value.priority ?? 'normal',
    requestTimeoutMs: value.requestTimeoutMs ?? 30_000,
    cancelTimeoutMs: value.cancelTimeoutMs ?? 2_000,
    trustedOutputHosts: value.trustedOutputHosts ?? [],
  }
}
