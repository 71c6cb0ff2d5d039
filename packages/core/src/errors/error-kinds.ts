import type { ErrorKind } from '../spec/index.js'

/** What one error kind means to the router. Read by the router only through `KIND_POLICIES`. */
export interface KindPolicy {
  /**
   * A retry of the same target can fix it: the default of `PortraitAnimatorError.retryable` (an
   * adapter may still say otherwise on one error, from what the provider told it).
   */
  readonly retrySameTarget: boolean
  /**
   * What the route does next: `yes` tries the next target; `if-configured` stops unless the
   * config's `fallbackOn` says otherwise; `stop` ends the route at once, whatever the config says
   * (the caller aborted, or the local disk failed and another paid target would hit the same disk).
   */
  readonly fallBack: 'yes' | 'if-configured' | 'stop'
  /**
   * What the target's circuit breaker does: `counts` it as a failure, stays `neutral` (the error
   * says nothing about the target's health), `retires` the target for good, or `ignores` it (the
   * route stops before the breaker is consulted).
   */
  readonly breaker: 'counts' | 'neutral' | 'retires' | 'ignores'
  /**
   * On a job the provider accepted, the provider itself ended it in failure, so it bills nothing:
   * fal charges neither failed nor cancelled requests, Magic Hour refunds a project that errors,
   * AILab bills only a delivered video. Trying again then cannot pay twice (see `mayHaveCharged`).
   */
  readonly unbilledEnding: boolean
}

const policy = (retrySameTarget: boolean, fallBack: KindPolicy['fallBack'], breaker: KindPolicy['breaker'], unbilledEnding = false): KindPolicy => ({ retrySameTarget, fallBack, breaker, unbilledEnding })

/**
 * Every error kind and what it means to the router, defined once: retry the same target? fall back
 * to the next? does the breaker count it? is an accepted job that ended so unbilled? The `Record`
 * type makes the compiler refuse a kind added to `ErrorKind` without a row here.
 *
 * | kind | retry same target | fall back | breaker | unbilled ending |
 * |---|---|---|---|---|
 * | `invalid_input` | no | yes (another target's limits may accept it) | neutral | yes |
 * | `no_face`, `content_policy` | no | if configured (`fallbackOn`) | neutral | yes |
 * | `auth` | no | yes | counts | no |
 * | `insufficient_credits` | no | yes | counts | yes |
 * | `rate_limited`, `unavailable` | yes | yes (after the retries) | counts | no |
 * | `retired` | no | yes | retires for good | no |
 * | `timeout` | no | yes (unless the whole request passed its deadline) | counts | no |
 * | `cancelled`, `output_failed` | no | stop | ignores | no |
 * | `job_failed` | no | yes | counts | yes |
 * | `unsupported` | no | yes | neutral | yes |
 * | `budget_exceeded` | no | yes | neutral | no |
 * | `invalid_config`, `provider_error` | no | yes | counts | no |
 */
export const KIND_POLICIES: Readonly<Record<ErrorKind, KindPolicy>> = {
  invalid_input: policy(false, 'yes', 'neutral', true),
  no_face: policy(false, 'if-configured', 'neutral', true),
  content_policy: policy(false, 'if-configured', 'neutral', true),
  auth: policy(false, 'yes', 'counts'),
  insufficient_credits: policy(false, 'yes', 'counts', true),
  rate_limited: policy(true, 'yes', 'counts'),
  unavailable: policy(true, 'yes', 'counts'),
  retired: policy(false, 'yes', 'retires'),
  timeout: policy(false, 'yes', 'counts'),
  cancelled: policy(false, 'stop', 'ignores'),
  job_failed: policy(false, 'yes', 'counts', true),
  unsupported: policy(false, 'yes', 'neutral', true),
  budget_exceeded: policy(false, 'yes', 'neutral'),
  invalid_config: policy(false, 'yes', 'counts'),
  provider_error: policy(false, 'yes', 'counts'),
  output_failed: policy(false, 'stop', 'ignores'),
}

/** Every error kind, for iteration and validation (the keys of `KIND_POLICIES`). */
export const ERROR_KINDS: readonly ErrorKind[] = Object.keys(KIND_POLICIES) as ErrorKind[]

/** Kinds a retry of the same target can fix, unless the error says otherwise. */
export const RETRYABLE_BY_DEFAULT: ReadonlySet<ErrorKind> = new Set(ERROR_KINDS.filter((kind) => KIND_POLICIES[kind].retrySameTarget))
