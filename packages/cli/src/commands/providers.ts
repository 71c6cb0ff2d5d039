import { parseArgs } from 'node:util'
import type { CliIo } from '../cli-io.js'
import { EXIT } from '../exit-codes.js'
import { openRouter } from '../open-router.js'

export const PROVIDERS_HELP = `Usage: portrait-animator providers [--config FILE] [--json]

Lists every target of the config: whether it is configured (and why not), its lifecycle, and what it
can do (motions, presets, outputs, inputs, jobs, offline).

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
  const targets = router.targets()
  if (values.json) {
    io.stdout.write(`${JSON.stringify(targets, null, 2)}\n`)
    return EXIT.ok
  }
  const rows = targets.map((target) => {
    const capabilities = target.capabilities
    const lifecycle = capabilities?.lifecycle.status ?? '?'
    const motions = capabilities ? capabilities.motions.map((motion) => (motion === 'preset' ? `preset(${capabilities.presets.join('|')})` : motion)).join(', ') : ''
    const traits = capabilities ? [capabilities.outputs.join('+'), capabilities.jobs ? 'async' : 'sync', capabilities.offline ? 'offline' : 'cloud'].join(', ') : ''
    const state = target.configured && lifecycle !== 'retired' ? 'ready' : target.reason ?? 'not configured'
    return [target.target, lifecycle, state, motions, traits]
  })
  const headers = ['target', 'lifecycle', 'state', 'motions', 'output']
  const widths = headers.map((header, index) => Math.min(60, Math.max(header.length, ...rows.map((row) => row[index]!.length))))
  const format = (row: string[]) => row.map((cell, index) => (cell.length > widths[index]! ? `${cell.slice(0, widths[index]! - 1)}…` : cell.padEnd(widths[index]!))).join('  ').trimEnd()
  io.stdout.write(`${[format(headers), ...rows.map(format)].join('\n')}\n`)
  return EXIT.ok
}
