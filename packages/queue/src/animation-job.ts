import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import type { ErrorKind, Motion, OutputFormat } from '@portrait-animator/core'

/** The name of the BullMQ queue of animation jobs. */
export const ANIMATION_QUEUE = 'portrait-animator-animations'

/** What one queued animation asks for: one input through one route or target. */
export interface AnimationJobData {
  /** Absolute path of the portrait (every worker must see the same path: a shared disk). */
  readonly image: string
  /** SHA-256 (hex) of the portrait's bytes. */
  readonly imageDigest: string
  /** The motion; a talking motion's audio is an absolute path as well. */
  readonly motion: Motion
  /** A route from the config, or none for the config's choice by motion. */
  readonly route?: string
  /** One target (`provider/model`) called directly, instead of a route. */
  readonly target?: string
  readonly format?: OutputFormat
  readonly strict?: boolean
  /** Absolute path the output is written to (atomically). */
  readonly output: string
  /** The batch that enqueued it first, for listings. */
  readonly batch?: string
}

/** What a finished job returns (BullMQ's `returnvalue`). */
export interface AnimationJobResult {
  readonly output: string
  readonly bytes: number
  readonly servedBy: string
  /** True when the job finished a provider job a dead worker had submitted, without paying again. */
  readonly resumed: boolean
  /**
   * True when an earlier run died with a submit in flight and this one submitted again anyway
   * (`--resubmit-unknown`): the provider may have been paid twice for it.
   */
  readonly resubmittedAfterUnknown?: boolean
}

/** A failed job, as recorded in its failure reason. */
export interface AnimationJobFailure {
  readonly kind: ErrorKind | 'internal'
  readonly reason: string
}

/** Progress a job reports (`job.updateProgress`). */
export interface AnimationJobProgress {
  readonly phase: string
  readonly target?: string
  readonly queuePosition?: number
  readonly progress?: number
}

/** SHA-256 (hex) of a file's bytes. */
export async function digestFile(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex')
}

/**
 * The job id of one piece of work: a digest of the input's bytes and of the request (motion, with
 * an audio file by its digest; route or target; format; strict). Enqueuing the same work twice
 * gives the same id, and BullMQ keeps one job per id, so it runs once. The output path is not
 * part of it: the same work asked for by two batches is done once and copied.
 */
export function animationJobId(data: Omit<AnimationJobData, 'output' | 'batch'>, audioDigest?: string): string {
  const motion = data.motion.type === 'audio' ? { ...data.motion, audio: audioDigest ?? data.motion.audio } : data.motion
  const request = JSON.stringify([data.imageDigest, canonical(motion), data.route ?? null, data.target ?? null, data.format ?? null, data.strict === true])
  // BullMQ job ids must not be integers and must not contain ':'.
  return `pa-${createHash('sha256').update(request).digest('hex').slice(0, 40)}`
}

/** Encodes a failure as the job's failure reason (`kind: reason`). */
export function failureMessage(failure: AnimationJobFailure): string {
  return `${failure.kind}: ${failure.reason}`
}

/** Reads a failure back from a job's failure reason. */
export function parseFailure(message: string | undefined): AnimationJobFailure {
  const match = /^([a-z_]+): ([\s\S]*)$/.exec(message ?? '')
  return match ? { kind: match[1] as ErrorKind, reason: match[2]! } : { kind: 'internal', reason: message ?? 'unknown failure' }
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical)
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([key, item]) => [key, canonical(item)]))
  return value
}
