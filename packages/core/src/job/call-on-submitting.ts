import { PortraitAnimatorError } from '../errors/index.js'
import type { CallOptions } from '../spec/index.js'

/**
 * Calls the caller's `onSubmitting`, right before the request that creates (and charges) the job.
 * Nothing has been sent when it fails, so the call ends with an error that says so
 * (`accepted: false`: trying again cannot pay twice).
 *
 * @example
 * ```ts
 * await callOnSubmitting(options)
 * const created = await api.create(input, signal)
 * ```
 */
export async function callOnSubmitting(options: Pick<CallOptions, 'onSubmitting'>): Promise<void> {
  if (!options.onSubmitting) return
  try {
    await options.onSubmitting()
  } catch (error) {
    throw new PortraitAnimatorError({ kind: 'unavailable', message: `onSubmitting failed, so nothing was submitted: ${error instanceof Error ? error.message : String(error)}`, accepted: false, cause: error })
  }
}
