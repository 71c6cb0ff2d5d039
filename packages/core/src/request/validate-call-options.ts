import type { CallOptions } from '../spec/index.js'
import { describeValue, requestError, type RequestErrorSource } from './request-error.js'

/**
 * Checks call options that may come from plain JavaScript: `timeoutMs` is a positive finite number
 * of milliseconds (so it can never become a `RangeError` deep inside a timer), `signal` is an
 * `AbortSignal`, and the callbacks are functions.
 *
 * @throws PortraitAnimatorError `invalid_input` naming the option (`timeoutMs`, `signal`, ...).
 * @example
 * ```ts
 * validateCallOptions({ timeoutMs: -1 })
 * // throws: Invalid timeoutMs: timeoutMs must be a finite number of milliseconds above 0, not -1. ...
 * ```
 */
export function validateCallOptions(options: unknown, source: RequestErrorSource = {}): asserts options is CallOptions | undefined {
  if (options === undefined) return
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw requestError({ field: 'options', rule: 'type', limit: 'an object', actual: describeValue(options), problem: `call options must be an object, not ${describeValue(options)}` }, source)
  }
  const { timeoutMs, signal, onProgress, onJobStarted, onSubmitting } = options as Record<string, unknown>
  if (timeoutMs !== undefined && (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0)) {
    const limit = 'a finite number of milliseconds above 0'
    throw requestError({ field: 'timeoutMs', rule: 'range', limit, actual: describeValue(timeoutMs), problem: `timeoutMs must be ${limit}, not ${describeValue(timeoutMs)}` }, source)
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw requestError({ field: 'signal', rule: 'type', limit: 'an AbortSignal', actual: describeValue(signal), problem: `signal must be an AbortSignal, not ${describeValue(signal)}` }, source)
  }
  for (const [name, value] of [['onProgress', onProgress], ['onJobStarted', onJobStarted], ['onSubmitting', onSubmitting]] as const) {
    if (value !== undefined && typeof value !== 'function') {
      throw requestError({ field: name, rule: 'type', limit: 'a function', actual: describeValue(value), problem: `${name} must be a function, not ${describeValue(value)}` }, source)
    }
  }
}
