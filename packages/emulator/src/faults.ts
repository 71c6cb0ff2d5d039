import type { FaultEffect, FaultRule, FaultStep } from './fault-types.js'
import { createSeededRandom, type SeededRandom } from './seeded-random.js'

interface RuleState {
  readonly rule: FaultRule
  readonly random: SeededRandom
  matches: number
  fired: number
}

const RULE_ONLY_KEYS = new Set(['route', 'probability', 'sequence', 'times'])

function effectOf(rule: FaultRule): FaultEffect {
  return Object.fromEntries(Object.entries(rule).filter(([key]) => !RULE_ONLY_KEYS.has(key))) as FaultEffect
}

function stepEffect(step: Exclude<FaultStep, 'pass'>): FaultEffect {
  return typeof step === 'number' ? { status: step } : step
}

function routeMatches(pattern: string, route: string): boolean {
  if (pattern === '*') return true
  if (pattern.endsWith('.*')) return route.startsWith(pattern.slice(0, -1))
  return pattern === route
}

/**
 * Decides, request by request, which faults strike. Each rule draws from its own seeded stream,
 * so the same seed and the same order of requests give the same faults.
 */
export class Faults {
  readonly #seed: number | string
  #states: RuleState[] = []

  constructor(seed: number | string, rules: readonly FaultRule[] = []) {
    this.#seed = seed
    this.set(rules)
  }

  /** The rules in force. */
  get rules(): readonly FaultRule[] {
    return this.#states.map((state) => state.rule)
  }

  /** Replaces the rules; counters and random streams start over. */
  set(rules: readonly FaultRule[]): void {
    this.#states = rules.map((rule, index) => ({
      rule,
      random: createSeededRandom(this.#seed, `fault/${index}`),
      matches: 0,
      fired: 0,
    }))
  }

  /** Restarts counters and random streams, keeping the rules. */
  reset(): void {
    this.set(this.rules)
  }

  /** The combined effect for one request on `route`, or `undefined` when no rule fires. */
  decide(route: string): FaultEffect | undefined {
    const effects: FaultEffect[] = []
    for (const state of this.#states) {
      const { rule } = state
      if (!routeMatches(rule.route, route)) continue
      state.matches += 1
      if (rule.times !== undefined && state.fired >= rule.times) continue
      let effect: FaultEffect
      if (rule.sequence) {
        const step = rule.sequence[state.matches - 1]
        if (step === undefined || step === 'pass') continue
        effect = { ...effectOf(rule), ...stepEffect(step) }
      } else {
        // Always draw, so one rule's decisions do not depend on whether it fired before.
        const draw = state.random.next()
        if (draw >= (rule.probability ?? 1)) continue
        effect = effectOf(rule)
      }
      state.fired += 1
      effects.push(effect)
    }
    if (effects.length === 0) return undefined
    const latencyMs = effects.reduce((total, effect) => total + (effect.latencyMs ?? 0), 0)
    const combined = Object.assign({}, ...[...effects].reverse()) as FaultEffect
    return latencyMs > 0 ? { ...combined, latencyMs } : combined
  }
}
