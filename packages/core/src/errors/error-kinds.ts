import type { ErrorKind } from '../spec/index.js'

/** Every error kind, for iteration and validation. */
export const ERROR_KINDS: readonly ErrorKind[] = [
  'invalid_input',
  'no_face',
  'content_policy',
  'auth',
  'insufficient_credits',
  'rate_limited',
  'unavailable',
  'retired',
  'timeout',
  'cancelled',
  'job_failed',
  'unsupported',
  'budget_exceeded',
  'invalid_config',
  'provider_error',
  'output_failed',
]

/** Kinds a retry of the same target can fix, unless the error says otherwise. */
export const RETRYABLE_BY_DEFAULT: ReadonlySet<ErrorKind> = new Set(['rate_limited', 'unavailable'])
