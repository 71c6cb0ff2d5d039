import { KIND_POLICIES, type PortraitAnimatorError } from '@portrait-animator/core'

/**
 * Whether the failed call may have left a job the provider bills: the answer to the submission was
 * lost (`accepted: 'unknown'`), or the provider accepted the job (`accepted: true`) and the call
 * then failed without the provider reporting how the job ended (a status check that kept failing,
 * a deadline, a broken result). Such a job may still complete and be charged, so submitting the
 * request again, here or to another paid target, could pay twice.
 */
export function mayHaveCharged(error: PortraitAnimatorError): boolean {
  if (error.accepted === 'unknown') return true
  // An unbilled ending (KIND_POLICIES): the provider itself ended the job in failure and bills nothing.
  return error.accepted === true && !KIND_POLICIES[error.kind].unbilledEnding
}
