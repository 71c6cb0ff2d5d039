import type { ErrorKind, PortraitAnimatorError } from '@portrait-animator/core'

/**
 * Kinds that, on a job the provider accepted, mean the provider itself ended the job in failure.
 * Providers bill only success (fal: failed and cancelled requests are free; Magic Hour refunds a
 * project that errors; AILab bills only a delivered video), so such a job costs nothing and trying
 * again cannot pay twice.
 */
const UNBILLED_ENDINGS: ReadonlySet<ErrorKind> = new Set(['job_failed', 'no_face', 'content_policy', 'invalid_input', 'insufficient_credits', 'unsupported'])

/**
 * Whether the failed call may have left a job the provider bills: the answer to the submission was
 * lost (`accepted: 'unknown'`), or the provider accepted the job (`accepted: true`) and the call
 * then failed without the provider reporting how the job ended (a status check that kept failing,
 * a deadline, a broken result). Such a job may still complete and be charged, so submitting the
 * request again, here or to another paid target, could pay twice.
 */
export function mayHaveCharged(error: PortraitAnimatorError): boolean {
  if (error.accepted === 'unknown') return true
  return error.accepted === true && !UNBILLED_ENDINGS.has(error.kind)
}
