import { PortraitAnimatorError } from '../errors/index.js'

/** What a malformed request or call option broke. */
export interface RequestErrorDetails {
  /** The field at fault: `request`, `motion.type`, `motion.smiel`, `timeoutMs`, ... */
  readonly field: string
  /** `required`, `type`, `unknown-value`, `unknown-control` or `range`. */
  readonly rule: 'required' | 'type' | 'unknown-value' | 'unknown-control' | 'range'
  /** What is accepted, readable by a program. */
  readonly limit: string
  /** What was found. */
  readonly actual: string
  /** What is wrong, in plain words and without a final period. */
  readonly problem: string
}

/** Who reports the error, stamped on it when an adapter validates its own call. */
export interface RequestErrorSource {
  readonly provider?: string
  readonly modelId?: string
}

/** The `invalid_input` error for a malformed request: `Invalid motion.type: ... Rule: unknown-value; ...`. */
export function requestError(details: RequestErrorDetails, source: RequestErrorSource = {}): PortraitAnimatorError {
  return new PortraitAnimatorError({
    kind: 'invalid_input',
    message: `Invalid ${details.field}: ${details.problem}. Rule: ${details.rule}; limit: ${details.limit}; actual: ${details.actual}.`,
    field: details.field,
    rule: details.rule,
    limit: details.limit,
    actual: details.actual,
    accepted: false,
    ...(source.provider === undefined ? {} : { provider: source.provider }),
    ...(source.modelId === undefined ? {} : { modelId: source.modelId }),
  })
}

/** A value in a few words for a message: `null`, `an array`, `"smiel"`, `NaN`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value)
  return typeof value === 'object' ? 'an object' : typeof value
}
