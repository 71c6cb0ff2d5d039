import { PortraitAnimatorError } from '../errors/index.js'

/** The rules an input can break. Each `invalid_input` error from this module names one. */
export type MediaRule =
  | 'empty'
  | 'truncated'
  | 'corrupt'
  | 'not-media'
  | 'format'
  | 'max-bytes'
  | 'max-pixels'
  | 'max-width'
  | 'max-height'
  | 'min-width'
  | 'min-height'
  | 'max-duration'
  | 'min-duration'
  | 'max-aspect-ratio'
  | 'url-scheme'
  | 'private-address'
  | 'url-fetch'
  | 'download-too-large'
  | 'not-found'
  | 'data-uri'
  | 'input-type'

/** What a rejected input broke, and by how much. */
export interface MediaErrorDetails {
  /** The request field at fault, e.g. `image` or `motion.audio`. */
  readonly field: string
  /** The rule broken. */
  readonly rule: MediaRule
  /** The limit, as a value a program can read (a number of bytes, a list of formats, ...). */
  readonly limit: string | number
  /** What was found instead. */
  readonly actual: string | number
  /** What is wrong, in plain words and without a final period, e.g. `the file is 7.3 MB, over the limit of 5 MB`. */
  readonly problem: string
  /** The limit in words when `limit` alone reads poorly (`5 MB` for 5242880). */
  readonly limitText?: string
  /** What was found, in words, when `actual` alone reads poorly. */
  readonly actualText?: string
  /** Status code, for `url-fetch` errors that came from an HTTP response. */
  readonly statusCode?: number
  /** The underlying error, kept for debugging. */
  readonly cause?: unknown
}

/**
 * Builds the `invalid_input` error for a rejected media input. The message names the field, the
 * rule, the limit and the actual value in plain words, e.g.
 * `Invalid image: the file is 7.3 MB, over the limit of 5 MB. Rule: max-bytes; limit: 5 MB; actual: 7.3 MB.`
 */
export function mediaError(details: MediaErrorDetails): PortraitAnimatorError {
  const limitText = details.limitText ?? String(details.limit)
  const actualText = details.actualText ?? String(details.actual)
  return new PortraitAnimatorError({
    kind: 'invalid_input',
    message: `Invalid ${details.field}: ${details.problem}. Rule: ${details.rule}; limit: ${limitText}; actual: ${actualText}.`,
    field: details.field,
    rule: details.rule,
    limit: details.limit,
    actual: details.actual,
    ...(details.statusCode === undefined ? {} : { statusCode: details.statusCode }),
    ...(details.cause === undefined ? {} : { cause: details.cause }),
  })
}

/** `5242880` as `5 MB`, `1536` as `1.5 KB`: byte counts in words, binary units. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit += 1
  }
  const rounded = unit === 0 ? String(value) : String(Math.round(value * 10) / 10)
  return `${rounded} ${units[unit]}`
}

/** The `max-bytes` error: `subject` is what was measured, e.g. `the file` or `the data: URI`. */
export function maxBytesError(field: string, maxBytes: number, actual: number, subject = 'the file'): PortraitAnimatorError {
  return mediaError({
    field,
    rule: 'max-bytes',
    limit: maxBytes,
    actual,
    limitText: formatBytes(maxBytes),
    actualText: formatBytes(actual),
    problem: `${subject} is ${formatBytes(actual)}, over the limit of ${formatBytes(maxBytes)}`,
  })
}
