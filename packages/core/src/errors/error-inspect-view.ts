import { redact, redactValue } from './redact.js'

const MAX_DEPTH = 8

/** Same class name as the real error, so `util.inspect` prints it as one (it reads the constructor's name). */
const View = class PortraitAnimatorError extends Error {}

/**
 * What `util.inspect` (and so `console.error`) shows for a `PortraitAnimatorError`: its stack,
 * fields and cause chain with every string redacted and fields named like secrets masked. It is a
 * separate object because the error itself keeps the (already scrubbed) cause for code to read.
 */
export function errorInspectView(error: Error & { readonly cause?: unknown }): Error {
  const view = new View()
  Object.defineProperties(view, textFields(error))
  for (const [key, value] of Object.entries(error)) {
    Object.defineProperty(view, key, { value: maskField(key, value), enumerable: true, writable: true, configurable: true })
  }
  if (error.cause !== undefined) Object.defineProperty(view, 'cause', { value: inspectableCause(error.cause, 1), writable: true, configurable: true })
  return view
}

/**
 * A stand-in for `cause`: errors keep their class, message and stack (redacted), their own fields
 * are masked, and the chain is followed. A `PortraitAnimatorError` is left to its own inspection.
 */
function inspectableCause(cause: unknown, depth: number): unknown {
  if (!(cause instanceof Error)) return redactValue(cause)
  if ((cause as unknown as Record<symbol, unknown>)[Symbol.for('portrait-animator.error')] === true) return cause
  if (depth > MAX_DEPTH) return '[…]'
  const view = Object.create(Object.getPrototypeOf(cause) as object | null) as Error
  Object.defineProperties(view, textFields(cause))
  for (const [key, value] of Object.entries(cause)) {
    if (key === 'cause' || key === 'message' || key === 'stack') continue
    const shown = key === 'errors' && Array.isArray(value) ? value.map((item) => inspectableCause(item, depth + 1)) : maskField(key, value)
    Object.defineProperty(view, key, { value: shown, enumerable: true, writable: true, configurable: true })
  }
  const inner = (cause as { cause?: unknown }).cause
  if (inner !== undefined) Object.defineProperty(view, 'cause', { value: inspectableCause(inner, depth + 1), writable: true, configurable: true })
  return view
}

function textFields(error: Error): PropertyDescriptorMap {
  const hidden = { enumerable: false, writable: true, configurable: true }
  return {
    name: { ...hidden, value: error.name },
    message: { ...hidden, value: redact(String(error.message)) },
    stack: { ...hidden, value: redact(String(error.stack ?? `${error.name}: ${error.message}`)) },
  }
}

function maskField(key: string, value: unknown): unknown {
  return (redactValue({ [key]: value }) as Record<string, unknown>)[key]
}
