import { PortraitAnimatorError } from '@portrait-animator/core'
import type { CliIo } from './cli-io.js'
import { animateCommand } from './commands/animate.js'
import { batchCommand } from './commands/batch.js'
import { compareCommand } from './commands/compare.js'
import { configCommand } from './commands/config.js'
import { emulatorCommand } from './commands/emulator.js'
import { measureCommand } from './commands/measure.js'
import { providersCommand } from './commands/providers.js'
import { resumeCommand } from './commands/resume.js'
import { serveCommand } from './commands/serve.js'
import { workerCommand } from './commands/worker.js'
import { EXIT, exitCodeFor, UsageError } from './exit-codes.js'

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
  batch INPUT...      animate many portraits (in this process, or on a Redis queue with workers)
  worker              serve the batch queue in Redis (run one or more per machine)

Run "portrait-animator <command> --help" for a command's options and examples.

Exit codes: 0 success, 2 bad input or config, 3 every target failed, 4 the output could not be
written (it was kept: the message says where), 130 interrupted.

Examples:
  portrait-animator animate examples/assets/astronaut.png -o out/astronaut-live.mp4
  portrait-animator compare a.jpg b.jpg --targets fal/live-portrait,local/warp --out report/
  portrait-animator serve --port 8080 --api-key my-app-key`

type Command = (args: string[], io: CliIo) => Promise<number>

const COMMANDS: Readonly<Record<string, Command>> = {
  animate: animateCommand,
  compare: compareCommand,
  measure: measureCommand,
  providers: providersCommand,
  config: configCommand,
  serve: serveCommand,
  emulator: emulatorCommand,
  resume: resumeCommand,
  batch: batchCommand,
  worker: workerCommand,
}

/** Runs the CLI with `args` (without the node and script paths) and resolves with the exit code. */
export async function main(args: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = args
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${MAIN_HELP}\n`)
    return name ? EXIT.ok : EXIT.usage
  }
  if (name === '--version') {
    io.stdout.write('0.1.0\n')
    return EXIT.ok
  }
  const command = COMMANDS[name]
  if (!command) {
    io.stderr.write(`Unknown command "${name}".\n\n${MAIN_HELP}\n`)
    return EXIT.usage
  }
  try {
    return await command(rest, io)
  } catch (error) {
    const code = error instanceof TypeError && (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS') ? EXIT.usage : exitCodeFor(error)
    reportError(error, io, rest.includes('--json'))
    return code
  }
}

function reportError(error: unknown, io: CliIo, json: boolean): void {
  if (json) {
    const body = PortraitAnimatorError.isInstance(error) ? error.toJSON() : { name: 'Error', message: (error as Error).message }
    io.stdout.write(`${JSON.stringify({ ok: false, error: body }, null, 2)}\n`)
  }
  if (PortraitAnimatorError.isInstance(error)) {
    io.stderr.write(`Error (${error.kind}): ${error.message}\n`)
    if (error.kind === 'cancelled') io.stderr.write('Interrupted; remote jobs were cancelled.\n')
    return
  }
  if (error instanceof UsageError || (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
    io.stderr.write(`${(error as Error).message}\n`)
    return
  }
  io.stderr.write(`Unexpected error: ${(error as Error).stack ?? String(error)}\n`)
}
