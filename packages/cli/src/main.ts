import { EMULATOR_USAGE } from '@portrait-animator/emulator'
import type { CliIo } from './cli-io.js'
import { ANIMATE_HELP, animateCommand } from './commands/animate.js'
import { BATCH_HELP, batchCommand } from './commands/batch.js'
import { COMPARE_HELP, compareCommand } from './commands/compare.js'
import { CONFIG_HELP, configCommand } from './commands/config.js'
import { emulatorCommand } from './commands/emulator.js'
import { MEASURE_HELP, measureCommand } from './commands/measure.js'
import { PROVIDERS_HELP, providersCommand } from './commands/providers.js'
import { RESUME_HELP, resumeCommand } from './commands/resume.js'
import { STATE_HELP, stateCommand } from './commands/state.js'
import { SERVE_HELP, serveCommand } from './commands/serve.js'
import { WORKER_HELP, workerCommand } from './commands/worker.js'
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

/** Every command with its help text (the help is where unknown options find their suggestion). */
const COMMANDS: Readonly<Record<string, { run: Command; help: string }>> = {
  animate: { run: animateCommand, help: ANIMATE_HELP },
  compare: { run: compareCommand, help: COMPARE_HELP },
  measure: { run: measureCommand, help: MEASURE_HELP },
  providers: { run: providersCommand, help: PROVIDERS_HELP },
  config: { run: configCommand, help: CONFIG_HELP },
  serve: { run: serveCommand, help: SERVE_HELP },
  emulator: { run: emulatorCommand, help: EMULATOR_USAGE },
  resume: { run: resumeCommand, help: RESUME_HELP },
  state: { run: stateCommand, help: STATE_HELP },
  batch: { run: batchCommand, help: BATCH_HELP },
  worker: { run: workerCommand, help: WORKER_HELP },
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
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined
  if (!command) {
    const suggestion = closest(name, Object.keys(COMMANDS))
    io.stderr.write(`Unknown command "${name}"${suggestion ? `; did you mean "${suggestion}"?` : '; run "portrait-animator --help" for the list.'}\n`)
    return EXIT.usage
  }
  const commandIo: CliIo = { ...io, verbosity: flags.verbosity }
  try {
    return await command.run(rest, commandIo)
  } catch (error) {
    return reportFailure(error, commandIo, { command: name, help: command.help, json: rest.includes('--json'), debug: flags.debug })
  }
}
