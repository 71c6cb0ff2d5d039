import { PortraitAnimatorError, registerSecret } from '@portrait-animator/core'
import { AILAB_DEFAULT_BASE_URL, AILAB_DEFAULT_TIMEOUT_MS, AILAB_KEY_VARIABLE, AILAB_LIVE_PHOTO_PATH, AILAB_PROVIDER } from './ailab-constants.js'

/** Options of `createAilab`. */
export interface AilabSettings {
  /**
   * The AILabTools API key, sent as the `ailabapi-api-key` header and only to `baseUrl`.
   * @default process.env.AILAB_API_KEY
   */
  readonly apiKey?: string
  /**
   * Where the AILab API lives: AILab itself, a private deployment, an AILab-compatible server
   * (`portrait-animator serve`) or the emulator. The endpoint path is appended to it.
   * @default 'https://www.ailabapi.com'
   * @example 'http://127.0.0.1:8787'
   */
  readonly baseUrl?: string
  /**
   * A `fetch` for the API calls (a proxy, a test double).
   * @default undici's fetch over a shared keep-alive pool
   */
  readonly fetch?: typeof globalThis.fetch
  /**
   * Deadline of one call in milliseconds, unless the call passes its own `timeoutMs`. The endpoint
   * answers only when the video is rendered, so it is generous.
   * @default 120_000
   */
  readonly timeoutMs?: number
  /**
   * Allow image URLs on private, loopback and link-local networks (they are downloaded here and
   * uploaded, since AILab takes files only).
   * @default false
   */
  readonly allowPrivateNetwork?: boolean
}

/** Settings with defaults applied and the base URL checked. */
export interface ResolvedAilabSettings {
  readonly apiKey: string | undefined
  readonly baseUrl: string
  /** The full Live Photos endpoint URL. */
  readonly endpoint: string
  /** True when `baseUrl` is AILab's own host. */
  readonly officialHost: boolean
  readonly fetch?: typeof globalThis.fetch
  readonly timeoutMs: number
  readonly allowPrivateNetwork: boolean
}

/**
 * Applies defaults, registers the key as a secret (so it is scrubbed from every message) and checks
 * the base URL and timeout.
 *
 * @throws PortraitAnimatorError `invalid_config` for a base URL that is not http(s) or a timeout that
 *   is not a positive number.
 */
export function resolveAilabSettings(settings: AilabSettings = {}): ResolvedAilabSettings {
  const apiKey = nonEmpty(settings.apiKey) ?? nonEmpty(process.env[AILAB_KEY_VARIABLE])
  registerSecret(apiKey)
  const baseUrl = settings.baseUrl ?? AILAB_DEFAULT_BASE_URL
  let parsed: URL
  try {
    parsed = new URL(baseUrl)
  } catch {
    throw configError('baseUrl must be an http(s) URL, and it could not be parsed as a URL')
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw configError(`baseUrl must be an http(s) URL, got a ${parsed.protocol} URL`)
  if (parsed.search || parsed.hash) throw configError('baseUrl must not carry a query string or fragment')
  const timeoutMs = settings.timeoutMs ?? AILAB_DEFAULT_TIMEOUT_MS
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw configError(`timeoutMs must be a positive number of milliseconds, got ${timeoutMs}`)
  const directory = parsed.pathname.endsWith('/') ? parsed.href : `${parsed.href}/`
  return {
    apiKey,
    baseUrl,
    endpoint: new URL(AILAB_LIVE_PHOTO_PATH, directory).href,
    officialHost: parsed.host === new URL(AILAB_DEFAULT_BASE_URL).host,
    ...(settings.fetch ? { fetch: settings.fetch } : {}),
    timeoutMs,
    allowPrivateNetwork: settings.allowPrivateNetwork ?? false,
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim()
  return trimmed ? trimmed : undefined
}

function configError(problem: string): PortraitAnimatorError {
  return new PortraitAnimatorError({ kind: 'invalid_config', message: `AILabTools settings: ${problem}.`, provider: AILAB_PROVIDER })
}
