import type { PortraitAnimatorError } from '../errors/portrait-animator-error.js'
import type { AnimationResult } from './result.js'

/**
 * One target's outcome in a comparison (`router.compare()`, `portrait-animator compare`). It is
 * data about results, so reports can read it without depending on the router.
 */
export interface CompareEntry {
  readonly target: string
  readonly ok: boolean
  readonly result?: AnimationResult
  readonly error?: PortraitAnimatorError
  readonly durationMs: number
}
