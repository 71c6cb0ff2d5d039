import type { Expression } from '@portrait-animator/core'
import { UsageError } from './exit-codes.js'

const CONTROLS: ReadonlySet<string> = new Set(['smile', 'blink', 'wink', 'eyebrow', 'pupilX', 'pupilY', 'aaa', 'eee', 'woo', 'pitch', 'yaw', 'roll'])

/**
 * Parses `smile=0.8,yaw=10` into an `Expression`.
 * @throws UsageError naming the bad part.
 */
export function parseExpression(text: string): Expression {
  const expression: Record<string, number> = {}
  for (const part of text.split(',').map((item) => item.trim()).filter(Boolean)) {
    const [name, value, ...rest] = part.split('=')
    if (!name || value === undefined || rest.length > 0) throw new UsageError(`--expression: "${part}" is not name=value.`)
    if (!CONTROLS.has(name)) throw new UsageError(`--expression: unknown control "${name}" (known: ${[...CONTROLS].join(', ')}).`)
    const number = Number(value)
    if (!Number.isFinite(number) || value.trim() === '') throw new UsageError(`--expression: ${name} must be a number, got "${value}".`)
    expression[name] = number
  }
  if (Object.keys(expression).length === 0) throw new UsageError('--expression needs at least one name=value pair, e.g. smile=0.8,yaw=10.')
  return expression as Expression
}
