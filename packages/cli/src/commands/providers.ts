import { parseArgs } from 'node:util'
import type { CliIo } from '../cli-io.js'
import { EXIT } from '../exit-codes.js'
import { openRouter } from '../open-router.js'
import type { RetirementRecord, TargetInfo } from '@portrait-animator/router'

export const PROVIDERS_HELP = `Usage: portrait-animator providers [--config FILE] [--json]

Lists every target of the config: its state (ready, unconfigured, retired by the provider or
remembered as retired, breaker open) and why, its lifecycle, and what it can do (motions, presets,
outputs, inputs, jobs, offline). The table and --json give the same state ("state", "stateReason",
and "retired" for a remembered retirement).

Examples:
  portrait-animator providers
  FAL_KEY=... portrait-animator providers --json`

/** `portrait-animator providers`. */
export async function providersCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { config: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } })
  if (values.help) {
    io.stdout.write(`${PROVIDERS_HELP}\n`)
    return EXIT.ok
  }
  const router = await openRouter(io, values.config ? { config: values.config } : {})
  const retirements = await router.retirements()
  const targets = router.targets().map((target) => ({ ...target, ...stateOf(target, retirements, router.config.providers.get(target.target.split('/')[0]!)?.baseUrl !== undefined) }))
  if (values.json) {
    io.stdout.write(`${JSON.stringify(targets, null, 2)}\n`)
    return EXIT.ok
  }
  const rows = targets.map((target) => {
    const capabilities = target.capabilities
    const lifecycle = capabilities?.lifecycle.status ?? '?'
    const motions = capabilities ? capabilities.motions.map((motion) => (motion === 'preset' ? `preset(${capabilities.presets.join('|')})` : motion)).join(', ') : ''
    const traits = capabilities ? [capabilities.outputs.join('+'), capabilities.jobs ? 'async' : 'sync', capabilities.offline ? 'offline' : 'cloud'].join(', ') : ''
    return [target.target, lifecycle, target.state === 'ready' ? 'ready' : `${target.state}: ${target.stateReason}`, motions, traits]
  })
  const headers = ['target', 'lifecycle', 'state', 'motions', 'output']
  const widths = headers.map((header, index) => Math.min(60, Math.max(header.length, ...rows.map((row) => row[index]!.length))))
  const format = (row: string[]) => row.map((cell, index) => (cell.length > widths[index]! ? `${cell.slice(0, widths[index]! - 1)}…` : cell.padEnd(widths[index]!))).join('  ').trimEnd()
  io.stdout.write(`${[format(headers), ...rows.map(format)].join('\n')}\n`)
  return EXIT.ok
}

/** Whether a target would be called now, and why not: the same answer for the table and --json. */
export type TargetState = 'ready' | 'unconfigured' | 'retired' | 'breaker-open'

/** One state for a target, from its configuration, lifecycle, remembered retirement and breaker. */
export function stateOf(target: TargetInfo, retirements: readonly RetirementRecord[], customBaseUrl: boolean): { state: TargetState; stateReason?: string; retired?: RetirementRecord } {
  const remembered = retirements.find((record) => record.target === target.target)
  // The router's order: a retired lifecycle (unless a baseUrl points elsewhere), then configuration, memory, breaker.
  if (target.capabilities?.lifecycle.status === 'retired' && !customBaseUrl) return { state: 'retired', stateReason: target.capabilities.lifecycle.note ?? 'retired by the provider', ...(remembered ? { retired: remembered } : {}) }
  if (!target.configured) return { state: 'unconfigured', stateReason: target.reason ?? 'not configured' }
  if (remembered) return { state: 'retired', stateReason: `answered "retired" at ${remembered.endpoint} on ${remembered.at} (portrait-animator state clear --retired ${target.target} to try it again)`, retired: remembered }
  if (target.breaker !== 'closed') return { state: 'breaker-open', stateReason: `breaker ${target.breaker} after repeated failures` }
  return { state: 'ready' }
}
