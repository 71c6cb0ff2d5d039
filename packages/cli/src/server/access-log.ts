import { PortraitAnimatorError, redact } from '@portrait-animator/core'

/** One target's part in a failed request, as the access log records it. */
export interface AccessLogAttempt {
  readonly target: string
  readonly outcome: 'succeeded' | 'failed' | 'skipped'
  readonly errorKind?: string
  readonly reason?: string
}

/** Why a request failed, for the operator: what the client is never told. Free of secrets. */
export interface AccessLogError {
  readonly kind: string
  readonly message: string
  /** Every target tried or skipped, in order, with why. */
  readonly attempts?: readonly AccessLogAttempt[]
}

/** One line of the access log. Never holds a key. */
export interface AccessLogEntry {
  readonly time: string
  readonly method: string
  readonly path: string
  readonly status: number
  readonly code?: string
  readonly durationMs: number
  readonly requestId: string
  readonly servedBy?: string
  readonly bytes?: number
  /** What the served request cost, when the target said (estimated or charged). */
  readonly cost?: { readonly usd?: number; readonly credits?: number; readonly basis: 'estimated' | 'charged' }
  readonly error?: AccessLogError
}

/** The operator's view of a failure: kind, full (redacted) message and the attempt summary. */
export function accessLogError(error: unknown): AccessLogError {
  if (!PortraitAnimatorError.isInstance(error)) {
    return { kind: 'internal', message: redact(error instanceof Error ? `${error.name}: ${error.message}` : String(error)) }
  }
  const attempts = error.attempts?.map((attempt) => ({
    target: attempt.target,
    outcome: attempt.outcome,
    ...(attempt.errorKind ? { errorKind: attempt.errorKind } : {}),
    ...(attempt.reason ? { reason: redact(attempt.reason) } : {}),
  }))
  return { kind: error.kind, message: redact(error.message), ...(attempts && attempts.length > 0 ? { attempts } : {}) }
}
