import type { ErrorKind, Warning } from '@portrait-animator/core'
import type { OutputFigures } from './output-figures.js'

/** Version of the `report.json` layout; bumped when a field changes meaning or goes away. */
export const REPORT_SCHEMA_VERSION = 2

/**
 * The content of `report.json` (and of the HTML report). Paths are relative to the report's
 * folder. Every string has been through `redactValue`.
 */
export interface ReportDocument {
  readonly schemaVersion: typeof REPORT_SCHEMA_VERSION
  /** ISO time the report was written. */
  readonly generatedAt: string
  /** What was asked of every target, e.g. `preset live-photo (head)`, or `one per image` for a manifest of mixed motions. */
  readonly motion: string
  /** The route the targets came from, when `--route` (or the default route) chose them. */
  readonly route: string | null
  /** Target ids (`provider/model`), in column order. */
  readonly targets: readonly string[]
  /** One entry per input image, in the order given. */
  readonly images: readonly ReportImage[]
  /** Per target id. */
  readonly summary: Readonly<Record<string, TargetSummary>>
}

/** One input image and every target's outcome on it. */
export interface ReportImage {
  /** The copy of the input next to the report, e.g. `inputs/astronaut.png`. */
  readonly input: string
  /** The input as given on the command line (a URL's query string is masked). */
  readonly source: string
  /** What was asked of every target for this image, e.g. `audio hello.wav` (a manifest gives each row its own). */
  readonly motion: string
  readonly width: number | null
  readonly height: number | null
  /** One per target, in the order of `targets`. */
  readonly results: readonly ReportResult[]
}

/** One target's outcome on one image. */
export interface ReportResult {
  readonly target: string
  readonly ok: boolean
  /** Wall time of this target's run, retries included. */
  readonly durationMs: number
  readonly cost: ReportCost | null
  readonly warnings: readonly Pick<Warning, 'type' | 'setting' | 'message'>[]
  readonly error: ReportError | null
  readonly output: ReportOutput | null
  /** Provider request ids and the like (redacted: signed URLs lose their query). */
  readonly providerMetadata: Readonly<Record<string, unknown>> | null
}

/** What a result cost. */
export interface ReportCost {
  readonly usd: number | null
  readonly credits: number | null
  readonly basis: 'estimated' | 'charged'
}

/** Why a target failed or was skipped. */
export interface ReportError {
  readonly kind: ErrorKind
  readonly message: string
}

/** A saved output and its figures (see `measureOutput`). */
export interface ReportOutput extends OutputFigures {
  /** The file next to the report, e.g. `media/astronaut-local-warp.mp4`. */
  readonly path: string
  readonly mimeType: string
  /** A JPEG of frames side by side next to the report, e.g. `media/astronaut-local-warp-strip.jpg`; `null` for stills and undecodable videos. */
  readonly strip: string | null
}

/** A target's totals over every image. */
export interface TargetSummary {
  readonly successes: number
  readonly failures: number
  /** Median latency of its successful runs; `null` when none succeeded. */
  readonly medianLatencyMs: number | null
  /** Sum of the known USD costs of its successful runs; `null` when none was known. */
  readonly totalUsd: number | null
}
