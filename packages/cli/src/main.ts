import type { CliIo } from './cli-io.js'
import { environmentHelp } from './environment-help.js'
import { reportFailure } from './error-report.js'
import { EXIT } from './exit-codes.js'
import { GLOBAL_OPTIONS_HELP, takeGlobalFlags } from './global-flags.js'
import { closest } from './suggest.js'

/** The version `--version` prints. */
export const VERSION = '0.1.0'

export const MAIN_HELP = `portrait-animator: turn a still portrait into motion through any provider.

Usage: portrait-animator <command> [options]

Commands:
  animate IMAGE       animate one portrait (live photo, expression, audio, driving video)
  compare IMAGE...    run images through several targets and write an HTML + JSON report
  measure VIDEO       the report's figures for any clip (motion, identity, audio, lip sync)
  providers           list every target, its capabilities, lifecycle and configuration
  config              init | validate FILE | schema
  serve               an AILabTools-compatible Live Photos server backed by the router
  emulator            start the provider emulator (AILabTools, fal, Magic Hour on loopback)
  resume              finish async jobs left in the journal by an interrupted run
  state               what the router remembers (retired targets, journaled jobs); state clear forgets it
  batch INPUT...      animate many portraits (in this process, or on a Redis queue with workers)
  worker              serve the batch queue in Redis (run one or more per machine)

Run "portrait-animator <command> --help" for a command's options and examples.

Exit codes: 0 success, 2 bad input or config, 3 every target failed, 4 the output could not be
written (it was kept: the message says where), 130 interrupted.

${GLOBAL_OPTIONS_HELP}

${environmentHelp()}

Examples:
  portrait-animator animate examples/assets/astronaut.png -o out/astronaut-live.mp4
  portrait-animator compare a.jpg b.jpg --targets fal/live-portrait,local/warp --out report/
  portrait-animator serve --port 8080 --api-key my-app-key`

type Command = (args: string[], io: CliIo) => Promise<number>

/** A command's code and help text (the help is where unknown options find their suggestion). */
interface LoadedCommand {
  readonly run: Command
  readonly help: string
}

/**
 * Every command, loaded only when it runs: \`animate\` does not load the queue (BullMQ, ioredis),
 * the report's browser code or the emulator, which keeps a fresh process's start short.
 */
const COMMANDS: Readonly<Record<string, () => Promise<LoadedCommand>>> = {
  animate: async () => import('./commands/animate.js').then((m) => ({ run: m.animateCommand, help: m.ANIMATE_HELP })),
  compare: async () => import('./commands/compare.js').then((m) => ({ run: m.compareCommand, help: m.COMPARE_HELP })),
  measure: async () => import('./commands/measure.js').then((m) => ({ run: m.measureCommand, help: m.MEASURE_HELP })),
  providers: async () => import('./commands/providers.js').then((m) => ({ run: m.providersCommand, help: m.PROVIDERS_HELP })),
  config: async () => import('./commands/config.js').then((m) => ({ run: m.configCommand, help: m.CONFIG_HELP })),
  serve: async () => import('./commands/serve.js').then((m) => ({ run: m.serveCommand, help: m.SERVE_HELP })),
  emulator: async () => {
    const [{ emulatorCommand }, { EMULATOR_USAGE }] = await Promise.all([import('./commands/emulator.js'), import('@portrait-animator/emulator')])
    return { run: emulatorCommand, help: EMULATOR_USAGE }
  },
  resume: async () => import('./commands/resume.js').then((m) => ({ run: m.resumeCommand, help: m.RESUME_HELP })),
  state: async () => import('./commands/state.js').then((m) => ({ run: m.stateCommand, help: m.STATE_HELP })),
  batch: async () => import('./commands/batch.js').then((m) => ({ run: m.batchCommand, help: m.BATCH_HELP })),
  worker: async () => import('./commands/worker.js').then((m) => ({ run: m.workerCommand, help: m.WORKER_HELP })),
}

/** Runs the CLI with `args` (without the node and script paths) and resolves with the exit code. */
export async function main(args: readonly string[], io: CliIo): Promise<number> {
  const { flags, rest: [name, ...rest] } = takeGlobalFlags(args)
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${MAIN_HELP}\n`)
    return name ? EXIT.ok : EXIT.usage
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${VERSION}\n`)
    return EXIT.ok
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined
  if (!load) {
    const suggestion = closest(name, Object.keys(COMMANDS))
    io.stderr.write(`Unknown command "${name}"${suggestion ? `; did you mean "${suggestion}"?` : '; run "portrait-animator --help" for the list.'}\n`)
    return EXIT.usage
  }
  const commandIo: CliIo = { ...io, verbosity: flags.verbosity }
  const command = await load()
  try {
    return await command.run(rest, commandIo)
  } catch (error) {
    return reportFailure(error, commandIo, { command: name, help: command.help, json: rest.includes('--json'), debug: flags.debug })
  }
}
