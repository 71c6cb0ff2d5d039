/** The longest wait a `Retry-After` header may ask for before it is treated as nonsense. */
const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000

/**
 * Parses a `Retry-After` header given in seconds (`"120"`) or as an HTTP date
 * (`"Wed, 21 Oct 2026 07:28:00 GMT"`) into milliseconds from `now`.
 *
 * @returns `undefined` when the header is missing or unreadable; never a negative number.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined
  const trimmed = value.trim()
  if (trimmed === '') return undefined
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.min(Math.round(Number(trimmed) * 1000), MAX_RETRY_AFTER_MS)
  // An HTTP date always names the day or month; bare numbers like "-5" are not dates.
  if (!/[a-z]/i.test(trimmed)) return undefined
  const date = Date.parse(trimmed)
  if (Number.isNaN(date)) return undefined
  return Math.min(Math.max(0, date - now), MAX_RETRY_AFTER_MS)
}
