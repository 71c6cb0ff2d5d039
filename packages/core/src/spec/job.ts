import type { ErrorKind } from './error-kind.js'
import type { AnimationResult } from './result.js'

/** A JSON value, so handles survive `JSON.stringify` and a process restart. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }

/**
 * Identifies a remote job. Plain JSON: write it to a journal, read it back after a crash and pass
 * it to `status()` to pick the job up again instead of paying for a new one.
 */
export interface JobHandle {
  readonly specificationVersion: 'v1'
  /** Provider name. */
  readonly provider: string
  /** Model id within the provider. */
  readonly modelId: string
  /** The provider's id for the job (fal request id, Magic Hour project id, ...). */
  readonly jobId: string
  /** When the job was submitted (ISO time). */
  readonly submittedAt: string
  /** Anything else the adapter needs to finish the job (endpoint, output wish, warnings...). */
  readonly data?: { readonly [key: string]: JsonValue }
}

/** A job that is still waiting or running. */
export interface PendingJobStatus {
  readonly state: 'pending'
  /** `queued` before a worker picks it up, `running` after. */
  readonly phase: 'queued' | 'running'
  /** Place in the provider's queue, when it says. */
  readonly queuePosition?: number
  /** Fraction done from 0 to 1, when known. */
  readonly progress?: number
  /** Log lines the provider reported. */
  readonly logs?: readonly string[]
}

/** A job that finished with an output. */
export interface CompletedJobStatus {
  readonly state: 'completed'
  readonly result: AnimationResult
}

/** A job that ended without an output. */
export interface FailedJobStatus {
  readonly state: 'failed'
  /** Error kind the failure maps to. */
  readonly errorKind: ErrorKind
  /** The provider's own code, when any. */
  readonly providerCode?: string
  /** What went wrong, free of secrets. */
  readonly message: string
}

/** Where a job stands. */
export type JobStatus = PendingJobStatus | CompletedJobStatus | FailedJobStatus
