import type { Attempt, ErrorKind } from '../spec/index.js'
import { RETRYABLE_BY_DEFAULT } from './error-kinds.js'
import { errorInspectView } from './error-inspect-view.js'
import { redact, redactValue } from './redact.js'
import { redactCause } from './redact-cause.js'

const MARKER = Symbol.for('portrait-animator.error')

/** Everything an error can carry. Only `kind` and `message` are required. */
export interface PortraitAnimatorErrorOptions {
  /** The taxonomy entry; decides what the router does. */
  readonly kind: ErrorKind
  /** What went wrong, in a sentence a user can act on. Secrets are scrubbed automatically. */
  readonly message: string
  /** Provider name (`fal`), when the error is about one. */
  readonly provider?: string
  /** Model id within the provider. */
  readonly modelId?: string
  /**
   * Whether trying the same target again may succeed.
   * @default true for `rate_limited` and `unavailable`, false otherwise
   */
  readonly retryable?: boolean
  /** How long the provider asked us to wait before retrying, in milliseconds. */
  readonly retryAfterMs?: number
  /** The provider's own error code (`ERROR_NO_FACE_IN_FILE`, `no_source_face`, ...). */
  readonly providerCode?: string
  /** The provider's request id, to quote to its support. */
  readonly requestId?: string
  /** HTTP status, when the error came from a response. */
  readonly statusCode?: number
  /** For `invalid_input`: the request field at fault (`image`, `motion.audio`, `motion.smile`). */
  readonly field?: string
  /** For `invalid_input`: the rule broken (`format`, `max-bytes`, `max-pixels`, ...). */
  readonly rule?: string
  /** For `invalid_input`: the limit, as a readable value. */
  readonly limit?: string | number
  /** For `invalid_input`: what was found instead. */
  readonly actual?: string | number
  /**
   * Whether the provider accepted (and may charge for) the work before the failure: `false` proves
   * a resubmission cannot pay twice; `'unknown'` means the request was sent but no answer came.
   */
  readonly accepted?: boolean | 'unknown'
  /**
   * The provider's job may still be running and be charged: it was cancelled or timed out here,
   * but the provider did not confirm its cancellation. The router keeps such a job in its journal,
   * so `resume` can collect the result instead of paying again.
   */
  readonly jobMayRun?: boolean
  /** For router failures: every attempt made, in order. */
  readonly attempts?: readonly Attempt[]
  /**
   * The underlying error, kept for debugging. Its text (message, stack, its own causes) is
   * redacted: when it holds a secret, `error.cause` is a scrubbed copy of the same class, never
   * the original changed in place.
   */
  readonly cause?: unknown
}

/**
 * The one error type of the project. Every failure, whatever the provider, is one of these with a
 * `kind` from the taxonomy. Every way of showing it (`message`, `String(error)`, `stack`,
 * `toJSON()`, `util.inspect` and so `console.error`) is free of secrets, its cause chain included.
 *
 * @example
 * ```ts
 * try {
 *   await animator.animate(request)
 * } catch (error) {
 *   if (PortraitAnimatorError.isInstance(error) && error.kind === 'no_face') {
 *     console.log('Please upload a photo with a visible face.')
 *   }
 * }
 * ```
 */
export class PortraitAnimatorError extends Error {
  readonly kind: ErrorKind
  declare readonly provider?: string
  declare readonly modelId?: string
  readonly retryable: boolean
  declare readonly retryAfterMs?: number
  declare readonly providerCode?: string
  declare readonly requestId?: string
  declare readonly statusCode?: number
  declare readonly field?: string
  declare readonly rule?: string
  declare readonly limit?: string | number
  declare readonly actual?: string | number
  declare readonly accepted?: boolean | 'unknown'
  declare readonly jobMayRun?: boolean
  declare readonly attempts?: readonly Attempt[]

  constructor(options: PortraitAnimatorErrorOptions) {
    super(redact(options.message), options.cause === undefined ? undefined : { cause: redactCause(options.cause) })
    Object.defineProperty(this, MARKER, { value: true })
    this.kind = options.kind
    this.retryable = options.retryable ?? RETRYABLE_BY_DEFAULT.has(options.kind)
    const optional = {
      provider: options.provider,
      modelId: options.modelId,
      retryAfterMs: options.retryAfterMs,
      providerCode: options.providerCode,
      requestId: options.requestId,
      statusCode: options.statusCode,
      field: options.field,
      rule: options.rule,
      limit: typeof options.limit === 'string' ? redact(options.limit) : options.limit,
      actual: typeof options.actual === 'string' ? redact(options.actual) : options.actual,
      accepted: options.accepted,
      jobMayRun: options.jobMayRun,
      attempts: options.attempts,
    }
    for (const [key, value] of Object.entries(optional)) {
      if (value !== undefined) Object.defineProperty(this, key, { value, enumerable: true })
    }
  }

  static {
    // On the prototype, so stack traces and util.inspect show the right name.
    Object.defineProperty(this.prototype, 'name', { value: 'PortraitAnimatorError', writable: true, configurable: true })
  }

  /**
   * A copy of this error with some fields replaced, e.g. the model an adapter knows but a shared
   * helper did not, or the router's list of attempts. Every other field and the `cause` are kept.
   *
   * @example
   * ```ts
   * throw error.with({ provider: 'magichour', modelId: 'talking-photo', accepted: false })
   * ```
   */
  with(overrides: Partial<PortraitAnimatorErrorOptions>): PortraitAnimatorError {
    return new PortraitAnimatorError({ ...this.options(), cause: this.cause, ...overrides })
  }

  /** Every field as constructor options (without the cause). */
  private options(): PortraitAnimatorErrorOptions {
    return {
      kind: this.kind,
      message: this.message,
      provider: this.provider,
      modelId: this.modelId,
      retryable: this.retryable,
      retryAfterMs: this.retryAfterMs,
      providerCode: this.providerCode,
      requestId: this.requestId,
      statusCode: this.statusCode,
      field: this.field,
      rule: this.rule,
      limit: this.limit,
      actual: this.actual,
      accepted: this.accepted,
      jobMayRun: this.jobMayRun,
      attempts: this.attempts,
    }
  }

  /** What `util.inspect` and `console.error` show: the error with its cause chain scrubbed. */
  [Symbol.for('nodejs.util.inspect.custom')](depth: number, options: object, inspect: (value: unknown, options: object) => string): string {
    return inspect(errorInspectView(this), { ...options, depth })
  }

  /** True for any `PortraitAnimatorError`, even one created by another copy of this package. */
  static isInstance(value: unknown): value is PortraitAnimatorError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true
  }

  /** A plain, secret-free object for logs and JSON output. */
  toJSON(): Record<string, unknown> {
    return redactValue({ name: this.name, ...this.options(), cause: describeCause(this.cause) }) as Record<string, unknown>
  }
}

function describeCause(cause: unknown): unknown {
  if (cause === undefined) return undefined
  if (PortraitAnimatorError.isInstance(cause)) return cause.toJSON()
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code
    return { name: cause.name, message: cause.message, ...(typeof code === 'string' ? { code } : {}) }
  }
  return String(cause)
}
