import type { Cost } from './cost.js'
import type { ErrorKind } from './error-kind.js'
import type { OutputFormat, OutputKind } from './request.js'
import type { Warning } from './warning.js'

/** Where an output was written by `save()`. */
export interface SavedOutput {
  /** Absolute path of the file. */
  readonly path: string
  /** Its size in bytes. */
  readonly bytes: number
}

/** The produced media. Remote outputs are downloaded lazily, on `bytes()` or `save()`. */
export interface AnimationOutput {
  /** `video` or `image`. */
  readonly kind: OutputKind
  /** Container format. */
  readonly format: OutputFormat
  /** MIME type, e.g. `video/mp4`. */
  readonly mimeType: string
  /** Remote location, when the provider returned one. */
  readonly url?: string
  /** ISO time after which `url` stops working, when known. */
  readonly expiresAt?: string
  /** Width in pixels, when known. */
  readonly width?: number
  /** Height in pixels, when known. */
  readonly height?: number
  /** Duration of a video in seconds, when known. */
  readonly durationSeconds?: number
  /** Frames per second of a video, when known. */
  readonly fps?: number
  /** The media's bytes (downloaded on first use when remote). */
  bytes(options?: { signal?: AbortSignal }): Promise<Uint8Array>
  /**
   * Writes the media to `path` atomically: a temporary file renamed into place only when complete,
   * so an interrupted save never leaves a half-written file at `path`. Creates missing folders.
   */
  save(path: string, options?: { signal?: AbortSignal }): Promise<SavedOutput>
}

/** What happened to one target while serving a request. */
export interface Attempt {
  /** `provider/model`. */
  readonly target: string
  /** Provider name. */
  readonly provider: string
  /** Model id within the provider. */
  readonly modelId: string
  /** How it ended. `skipped` means it was never called (capabilities, lifecycle, breaker, missing key). */
  readonly outcome: 'succeeded' | 'failed' | 'skipped'
  /** The error kind, when it failed. */
  readonly errorKind?: ErrorKind
  /** Why it failed or was skipped, free of secrets. */
  readonly reason?: string
  /** 1 for the first try of this target, 2 for its first retry, ... */
  readonly attempt: number
  /** When it started (ISO time). */
  readonly startedAt: string
  /** How long it took in milliseconds. */
  readonly durationMs: number
  /**
   * Whether the provider accepted (and may charge for) the submission: `true`, `false`, or
   * `'unknown'` when the connection failed after the request was sent.
   */
  readonly accepted?: boolean | 'unknown'
}

/** Where time went. */
export interface Timings {
  /** Milliseconds spent waiting in the provider's queue. */
  readonly queuedMs?: number
  /** Milliseconds spent running. */
  readonly runningMs?: number
  /** Milliseconds from the call to the result. */
  readonly totalMs: number
}

/** The outcome of a successful call. */
export interface AnimationResult {
  /** The produced media. */
  readonly output: AnimationOutput
  /** Which target produced it. */
  readonly servedBy: { readonly provider: string; readonly modelId: string; readonly target: string }
  /** Every attempt made, in order, including skipped targets and failed tries. */
  readonly attempts: readonly Attempt[]
  /** Settings that could not be honoured as asked. */
  readonly warnings: readonly Warning[]
  /** What it cost, when known. */
  readonly cost?: Cost
  /** Where time went. */
  readonly timings: Timings
  /** Provider identifiers (request ids, log ids, project ids), keyed by provider. */
  readonly providerMetadata: Readonly<Record<string, Readonly<Record<string, unknown>>>>
  /** The arm of an A/B split that served this request. */
  readonly arm?: string
}
