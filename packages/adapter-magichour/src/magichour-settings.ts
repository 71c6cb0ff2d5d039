import { PortraitAnimatorError, registerSecret } from '@portrait-animator/core'
import { z } from 'zod'
import { API_KEY_VARIABLE, DEFAULT_BASE_URL, PROVIDER } from './magichour-limits.js'
import { DEFAULT_USD_PER_CREDIT } from './magichour-pricing.js'
import { DEFAULT_MAX_CONCURRENT_UPLOADS } from './magichour-uploads.js'

/** Options of `createMagicHour` (and the router's `settings` for the `magichour` adapter). */
export interface MagicHourSettings {
  /**
   * The Magic Hour API key, sent as `Authorization: Bearer <key>` to the API only.
   * @default process.env.MAGIC_HOUR_API_KEY
   */
  readonly apiKey?: string
  /**
   * Where the API lives: the emulator (`http://127.0.0.1:4010`), a proxy, or the real service.
   * @default 'https://api.magichour.ai'
   */
  readonly baseUrl?: string
  /**
   * Milliseconds between two status checks of a project (from the start of one to the next).
   * Unset, polling is adaptive: the first check at once, then sparse early and every 150 ms near
   * the end expected from this process's recent projects, never more than 2 checks per second of
   * the project.
   * @default adaptive
   */
  readonly pollIntervalMs?: number
  /**
   * Milliseconds to wait for one HTTP answer (API calls, and each chunk of an upload or download).
   * @default 30000
   */
  readonly requestTimeoutMs?: number
  /**
   * US dollars per credit, to price estimates and charges: $0.0012 Creator, $0.00195 Pro,
   * $0.0025 Business (before volume discounts).
   * @default 0.0025
   */
  readonly usdPerCredit?: number
  /**
   * Accept image and audio URLs on private or loopback networks (they are passed to Magic Hour,
   * which must be able to fetch them, so this only makes sense with the emulator).
   * @default false
   */
  readonly allowPrivateNetwork?: boolean
  /**
   * Extra hosts (and their subdomains) Magic Hour may hand out upload and download URLs on, besides
   * `magichour.ai` and the API's own origin.
   * @default []
   * @example ['my-cdn-proxy.example.com']
   */
  readonly downloadHosts?: readonly string[]
  /**
   * Uploads (PUTs to Magic Hour's storage) running at once, for this provider instance. Each
   * distinct asset (by SHA-256 of its bytes) is uploaded once and reused while its upload URL would
   * still be valid, so 200 jobs with the same portrait make one upload.
   * @default 8
   */
  readonly maxConcurrentUploads?: number
  /**
   * The fetch used for uploads (PUT to the pre-signed URL), downloads and URL inputs. The API calls
   * themselves go through the `magic-hour` SDK, which uses node-fetch and cannot take one: point
   * `baseUrl` at a local server instead.
   * @default undici's fetch
   */
  readonly fetch?: typeof globalThis.fetch
}

/** Settings with every default applied. */
export interface ResolvedSettings {
  readonly apiKey: string | undefined
  readonly baseUrl: string
  /** `undefined`: adaptive polling. */
  readonly pollIntervalMs: number | undefined
  readonly requestTimeoutMs: number
  readonly usdPerCredit: number
  readonly allowPrivateNetwork: boolean
  readonly downloadHosts: readonly string[]
  readonly maxConcurrentUploads: number
  readonly fetch: typeof globalThis.fetch | undefined
}

const settingsSchema = z.strictObject({
  apiKey: z.string().optional(),
  baseUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .optional(),
  pollIntervalMs: z.number().int().min(1).max(3_600_000).optional(),
  requestTimeoutMs: z.number().int().min(100).max(3_600_000).optional(),
  usdPerCredit: z.number().min(0).max(1).optional(),
  allowPrivateNetwork: z.boolean().optional(),
  downloadHosts: z.array(z.string().min(1)).optional(),
  maxConcurrentUploads: z.number().int().min(1).max(1024).optional(),
  fetch: z.custom<typeof globalThis.fetch>((value) => typeof value === 'function', 'must be a fetch function').optional(),
})

/**
 * Validates the settings and applies the defaults; the key (when any) is registered as a secret at
 * once so it can never appear in a message.
 *
 * @throws PortraitAnimatorError `invalid_config` naming the bad setting.
 */
export function resolveSettings(settings: MagicHourSettings | Readonly<Record<string, unknown>>): ResolvedSettings {
  const parsed = settingsSchema.safeParse(settings)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const path = [...issue.path, ...(issue.code === 'unrecognized_keys' ? issue.keys.slice(0, 1) : [])].map(String).join('.')
    const message = issue.code === 'unrecognized_keys' ? `unknown setting "${issue.keys[0]}"` : issue.message
    throw new PortraitAnimatorError({ kind: 'invalid_config', message: `Invalid Magic Hour setting ${path || '(settings)'}: ${message}.`, provider: PROVIDER })
  }
  const value = parsed.data
  const apiKey = nonEmpty(value.apiKey) ?? nonEmpty(process.env[API_KEY_VARIABLE])
  registerSecret(apiKey)
  return {
    apiKey,
    baseUrl: (value.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, ''),
    pollIntervalMs: value.pollIntervalMs,
    requestTimeoutMs: value.requestTimeoutMs ?? 30_000,
    usdPerCredit: value.usdPerCredit ?? DEFAULT_USD_PER_CREDIT,
    allowPrivateNetwork: value.allowPrivateNetwork ?? false,
    downloadHosts: (value.downloadHosts ?? []).map((host) => host.toLowerCase().replace(/^\*?\./, '')),
    maxConcurrentUploads: value.maxConcurrentUploads ?? DEFAULT_MAX_CONCURRENT_UPLOADS,
    fetch: value.fetch,
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim()
  return trimmed === undefined || trimmed === '' ? undefined : trimmed
}
