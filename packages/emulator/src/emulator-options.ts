import type { ProviderCredits, ProviderKeys } from './accounts.js'
import type { FaultRule } from './fault-types.js'
import type { OutputShape } from './mp4-output.js'
import type { ProviderRateLimits } from './rate-limiter.js'

/** AILabTools settings. */
export interface AilabOptions {
  /**
   * `live` serves the live-photo endpoint; `retired` answers every call with 404
   * `ERROR_AI_NOT_EXISTS`, as the discontinued service does.
   * @default 'live'
   */
  readonly mode?: 'live' | 'retired'
  /**
   * Calls processed at once; one more gets 503 `AI_SERVICE_FLOW_RESTRICTION`.
   * @default Infinity
   */
  readonly maxConcurrent?: number
}

/** Magic Hour settings. */
export interface MagicHourOptions {
  /**
   * How long a `downloads[].url` stays valid; an expired URL answers 403 like a signed S3 URL,
   * and a fresh GET of the project gives a new one.
   * @default 86_400_000 (24 h)
   */
  readonly downloadUrlTtlMs?: number
  /**
   * Where to send `video.started`, `video.completed` and `video.errored` events (loopback only),
   * signed with `secret` as Magic Hour documents. Magic Hour registers webhooks per account, not
   * per request, so this is emulator-wide.
   */
  readonly webhook?: { readonly url: string; readonly secret: string }
}

/** Replicate settings. */
export interface ReplicateOptions {
  /**
   * The secret prediction webhooks are signed with (`whsec_` and base64, as
   * `GET /v1/webhooks/default/secret` answers).
   * @default one derived from `seed`
   */
  readonly webhookSecret?: string
}

/**
 * Everything `startEmulator` accepts. Every field is optional.
 *
 * @example
 * ```ts
 * const emulator = await startEmulator({ seed: 42, jobDurationMs: 100, credits: { ailab: 44 } })
 * ```
 */
export interface EmulatorOptions {
  /** TCP port; 0 picks a free one. @default 0 */
  readonly port?: number
  /** Loopback address to bind (`127.0.0.1`, `::1` or `localhost`); others are refused. @default '127.0.0.1' */
  readonly host?: string
  /** Seed for ids, fault decisions and the webhook signing key. @default a random seed */
  readonly seed?: number | string
  /**
   * How long an async job (fal request, Magic Hour project, Replicate prediction) takes from submit to done: the first
   * 30% queued, the rest running. AILab calls take this long to answer. @default 300
   */
  readonly jobDurationMs?: number
  readonly ailab?: AilabOptions
  readonly magichour?: MagicHourOptions
  readonly replicate?: ReplicateOptions
  /** Accepted keys per provider; a provider left out accepts any non-empty key. */
  readonly keys?: ProviderKeys
  /** Starting credits per provider (and per key); unlimited when not set. */
  readonly credits?: ProviderCredits
  /** Fault rules in force from the start (see `FaultRule`). @default [] */
  readonly faults?: readonly FaultRule[]
  /**
   * Pads every video output to at least this many bytes with an MP4 `free` box (the file still
   * plays), so a benchmark can download large outputs. @default 0
   */
  readonly outputPaddingBytes?: number
  /**
   * What video outputs look like. `simple`: the submitted portrait moving (talking photos move
   * their jaw with the speech), Baseline H.264, no audio. `provider`: like fal's and Magic Hour's
   * real outputs, H.264 High profile with B-frames, 25 fps, AAC audio for talking photos (cut from
   * a fixture clip of the sample portrait). Change it while running with
   * `POST /__emulator/output-shape {"shape": "provider"}`.
   * @default 'simple'
   */
  readonly outputShape?: OutputShape
  /** Attempts per webhook delivery (first try included), with doubling delays from 100 ms. @default 3 */
  readonly webhookAttempts?: number
  /**
   * Requests per second each provider accepts on its paid submission routes (AILab live-photo,
   * fal submit and run, Magic Hour create, Replicate create), over all keys: no one-second window
   * (`1 / limit` seconds below 1) holds more. A request over the limit is answered 429 in the
   * provider's own error shape with `Retry-After` (whole seconds), is neither accepted nor charged,
   * and is recorded in `ledger.rateLimited()`. A provider left out has no limit.
   * @example { fal: 2, magichour: 2 }
   * @default {}
   */
  readonly rateLimits?: ProviderRateLimits
  /** Longest time a `hang` fault holds a request before dropping the connection. @default 60_000 */
  readonly maxHangMs?: number
}
