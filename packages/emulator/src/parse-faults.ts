import { PortraitAnimatorError } from '@portrait-animator/core'
import { FAULT_ROUTES, type FaultEffect, type FaultRule, type FaultStep } from './fault-types.js'

const EFFECT_KEYS = new Set([
  'status',
  'code',
  'message',
  'retryAfter',
  'latencyMs',
  'reset',
  'hang',
  'truncate',
  'processed',
  'noFace',
  'retired',
])
const RULE_KEYS = new Set([...EFFECT_KEYS, 'route', 'probability', 'sequence', 'times'])
const PROVIDER_WILDCARDS = ['ailab.*', 'fal.*', 'magichour.*', 'replicate.*', '*']

function invalid(field: string, message: string): PortraitAnimatorError {
  return new PortraitAnimatorError({ kind: 'invalid_config', message: `Fault config: ${field} ${message}`, field })
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function checkEffect(value: Record<string, unknown>, field: string, allowed: ReadonlySet<string>): FaultEffect {
  for (const key of Object.keys(value)) {
    if (!allowed.has(key)) throw invalid(`${field}.${key}`, 'is not a known fault setting')
  }
  const { status, code, message, retryAfter, latencyMs, truncate } = value
  if (status !== undefined && !(Number.isInteger(status) && (status as number) >= 400 && (status as number) <= 599)) {
    throw invalid(`${field}.status`, 'must be an HTTP error status (400..599)')
  }
  for (const [name, text] of [['code', code], ['message', message]] as const) {
    if (text !== undefined && typeof text !== 'string') throw invalid(`${field}.${name}`, 'must be a string')
  }
  if (retryAfter !== undefined && !(typeof retryAfter === 'string' || (typeof retryAfter === 'number' && retryAfter >= 0))) {
    throw invalid(`${field}.retryAfter`, 'must be seconds (>= 0) or an HTTP date string')
  }
  if (latencyMs !== undefined && !(typeof latencyMs === 'number' && latencyMs >= 0 && latencyMs <= 600_000)) {
    throw invalid(`${field}.latencyMs`, 'must be a number of milliseconds from 0 to 600000')
  }
  if (truncate !== undefined && !(typeof truncate === 'number' && truncate >= 0 && truncate < 1)) {
    throw invalid(`${field}.truncate`, 'must be a fraction from 0 up to (not including) 1')
  }
  for (const flag of ['reset', 'hang', 'processed', 'noFace', 'retired']) {
    if (value[flag] !== undefined && typeof value[flag] !== 'boolean') throw invalid(`${field}.${flag}`, 'must be true or false')
  }
  return value as FaultEffect
}

function checkStep(step: unknown, field: string): FaultStep {
  if (step === 'pass') return step
  if (typeof step === 'number') {
    checkEffect({ status: step }, field, EFFECT_KEYS)
    return step
  }
  if (isRecord(step)) return checkEffect(step, field, EFFECT_KEYS)
  throw invalid(field, "must be 'pass', a status code or a fault effect object")
}

/**
 * Validates fault rules (from code, a JSON file or `POST /__emulator/faults`). Accepts an array of
 * rules or `{ "faults": [...] }`.
 *
 * @throws PortraitAnimatorError with kind `invalid_config` naming the field at fault.
 */
export function parseFaults(input: unknown): FaultRule[] {
  const list = isRecord(input) && 'faults' in input ? input.faults : input
  if (!Array.isArray(list)) throw invalid('faults', 'must be an array of rules')
  return list.map((rule, index) => {
    const field = `faults[${index}]`
    if (!isRecord(rule)) throw invalid(field, 'must be an object')
    checkEffect(rule, field, RULE_KEYS)
    const { route, probability, sequence, times } = rule
    if (typeof route !== 'string' || !((FAULT_ROUTES as readonly string[]).includes(route) || PROVIDER_WILDCARDS.includes(route))) {
      throw invalid(`${field}.route`, `must be one of ${[...FAULT_ROUTES, ...PROVIDER_WILDCARDS].join(', ')}`)
    }
    if (probability !== undefined && !(typeof probability === 'number' && probability >= 0 && probability <= 1)) {
      throw invalid(`${field}.probability`, 'must be a number from 0 to 1')
    }
    if (times !== undefined && !(Number.isInteger(times) && (times as number) >= 0)) {
      throw invalid(`${field}.times`, 'must be a whole number >= 0')
    }
    if (sequence !== undefined) {
      if (!Array.isArray(sequence)) throw invalid(`${field}.sequence`, 'must be an array')
      sequence.forEach((step, stepIndex) => checkStep(step, `${field}.sequence[${stepIndex}]`))
    }
    return rule as unknown as FaultRule
  })
}
