import { PortraitAnimatorError } from '../errors/index.js'

/**
 * Awaits `promise` and returns the `PortraitAnimatorError` it rejects with. Throws (failing the
 * test) when it resolves instead, or rejects with anything else. Framework-neutral.
 *
 * @example
 * ```ts
 * const error = await expectAnimatorError(animator.animate(request))
 * expect(error).toMatchObject({ kind: 'invalid_input', field: 'image' })
 * ```
 */
export async function expectAnimatorError(promise: Promise<unknown>): Promise<PortraitAnimatorError> {
  let outcome: { resolved: true; value: unknown } | { resolved: false; reason: unknown }
  try {
    outcome = { resolved: true, value: await promise }
  } catch (reason) {
    outcome = { resolved: false, reason }
  }
  if (outcome.resolved) throw new Error(`expected a PortraitAnimatorError, but the promise resolved with ${describe(outcome.value)}`)
  if (!PortraitAnimatorError.isInstance(outcome.reason)) {
    throw new Error(`expected a PortraitAnimatorError, got ${describe(outcome.reason)}`, { cause: outcome.reason })
  }
  return outcome.reason
}

function describe(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`
  try {
    return JSON.stringify(value)?.slice(0, 200) ?? String(value)
  } catch {
    return String(value)
  }
}
