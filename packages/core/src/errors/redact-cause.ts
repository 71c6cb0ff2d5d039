import { redact } from './redact.js'

const MAX_DEPTH = 8

/**
 * `cause` with secrets scrubbed from its text: the error itself when nothing in it needs masking,
 * otherwise a copy (same prototype, so `instanceof` and `code` still work) whose message, stack,
 * other string fields and own `cause`/`errors` chain are redacted. The original is never changed:
 * a library may share it.
 *
 * Values that are not errors are returned as they are (they are masked when shown, by `toJSON()`
 * and by `util.inspect`).
 */
export function redactCause(cause: unknown, depth = 0): unknown {
  if (typeof cause === 'string') return redact(cause)
  if (!(cause instanceof Error) || depth > MAX_DEPTH || isScrubbed(cause)) return cause
  const descriptors = Object.getOwnPropertyDescriptors(cause) as Record<PropertyKey, PropertyDescriptor>
  let changed = false
  const scrubbed: PropertyDescriptorMap = {}
  for (const key of Reflect.ownKeys(descriptors)) {
    if (key === 'name' || key === 'message' || key === 'stack') continue
    const descriptor = descriptors[key]!
    if (!('value' in descriptor)) {
      scrubbed[key] = descriptor
      continue
    }
    const value: unknown = descriptor.value
    const next = key === 'cause' ? redactCause(value, depth + 1) : key === 'errors' && Array.isArray(value) ? redactList(value, depth) : typeof value === 'string' ? redact(value) : value
    if (next !== value) changed = true
    scrubbed[key] = { ...descriptor, value: next, configurable: true }
  }
  // Read through the getters too (a DOMException keeps its name and message in internal slots,
  // V8 may install `stack` as an accessor), and give the copy plain own values.
  for (const key of ['name', 'message', 'stack'] as const) {
    const value = safeRead(cause, key)
    if (value === undefined) continue
    const next = redact(value)
    if (next !== value) changed = true
    scrubbed[key] = { value: next, writable: true, enumerable: descriptors[key]?.enumerable ?? false, configurable: true }
  }
  if (!changed) return cause
  const copy = Object.create(Object.getPrototypeOf(cause) as object | null, scrubbed) as Error
  Object.defineProperty(copy, SCRUBBED, { value: true })
  return copy
}

function safeRead(error: Error, key: 'name' | 'message' | 'stack'): string | undefined {
  try {
    const value: unknown = error[key]
    return typeof value === 'string' ? value : undefined
  } catch {
    return undefined
  }
}

function redactList(list: readonly unknown[], depth: number): readonly unknown[] {
  const next = list.map((item) => redactCause(item, depth + 1))
  return next.every((item, index) => item === list[index]) ? list : next
}

const SCRUBBED = Symbol.for('portrait-animator.redacted-cause')

/** A copy made here, or a `PortraitAnimatorError` (scrubbed when it was built). */
function isScrubbed(error: Error): boolean {
  const marks = error as unknown as Record<symbol, unknown>
  return marks[SCRUBBED] === true || marks[Symbol.for('portrait-animator.error')] === true
}
