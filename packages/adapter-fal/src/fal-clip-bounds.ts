import { PortraitAnimatorError } from '@portrait-animator/core'

/**
 * Checks `motion.startSeconds` and `motion.endSeconds` as numbers (the models that speak the whole
 * clip still refuse nonsense before any call).
 * @throws PortraitAnimatorError `invalid_input` with the field and the rule `range`.
 */
export function checkClipBounds(start: number | undefined, end: number | undefined, modelId: string): void {
  const problems: [string, string, number | undefined][] = [
    ['motion.startSeconds', 'a number of seconds of at least 0', start],
    ['motion.endSeconds', 'a number of seconds above 0', end],
  ]
  for (const [field, limit, value] of problems) {
    if (value === undefined) continue
    if (!Number.isFinite(value) || value < 0 || (field === 'motion.endSeconds' && value === 0)) {
      throw new PortraitAnimatorError({ kind: 'invalid_input', message: `Invalid ${field}: ${value} is not ${limit}.`, provider: 'fal', modelId, field, rule: 'range', limit, actual: String(value) })
    }
  }
  if (start !== undefined && end !== undefined && end <= start) {
    throw new PortraitAnimatorError({
      kind: 'invalid_input',
      message: `Invalid motion.endSeconds: ${end} is not after motion.startSeconds ${start}.`,
      provider: 'fal',
      modelId,
      field: 'motion.endSeconds',
      rule: 'range',
      limit: `more than ${start}`,
      actual: end,
    })
  }
}
