import { PortraitAnimatorError } from '@portrait-animator/core'
import type { CliIo } from './cli-io.js'
import { EXIT, exitCodeFor, UsageError } from './exit-codes.js'
import { GLOBAL_OPTIONS_HELP } from './global-flags.js'
import { closest, optionsInHelp } from './suggest.js'

/** Where the failure happened, to word it for the user. */
export interface ErrorContext {
  /** The command that was running (`animate`). */
  readonly command: string
  /** Its help text, to suggest options from. */
  readonly help: string
  /** Print one JSON document on stdout as well. */
  readonly json: boolean
  /** Print the stack of an unexpected error. */
  readonly debug: boolean
}

/**
 * Reports a command's failure on stderr as one sentence and returns the exit code. Expected
 * failures (bad options, a busy port, a missing file) never show a stack; only an unexpected
 * error does, and only with `--debug`.
 */
export function reportFailure(error: unknown, io: CliIo, context: ErrorContext): number {
  const expected = describeExpected(error, context)
  const code = expected ? expected.code : exitCodeFor(error)
  if (context.json) {
    const body = PortraitAnimatorError.isInstance(error) ? error.toJSON() : { name: expected ? 'UsageError' : 'Error', message: expected?.message ?? (error as Error).message }
    io.stdout.write(`${JSON.stringify({ ok: false, error: body }, null, 2)}\n`)
  }
  if (expected) io.stderr.write(`${expected.message}\n`)
  else if (PortraitAnimatorError.isInstance(error)) io.stderr.write(`Error (${error.kind}): ${error.message}\n`)
  else if (context.debug) io.stderr.write(`Unexpected error: ${(error as Error).stack ?? String(error)}\n`)
  else io.stderr.write(`Unexpected error: ${(error as Error).message ?? String(error)} (run again with --debug to see where).\n`)
  if (context.debug && PortraitAnimatorError.isInstance(error) && error.stack) io.stderr.write(`${error.stack}\n`)
  return code
}

/** The sentence and exit code of a failure the user can fix, or `undefined` for anything else. */
function describeExpected(error: unknown, context: ErrorContext): { message: string; code: number } | undefined {
  if (error instanceof UsageError) return { message: error.message, code: EXIT.usage }
  const errno = error as NodeJS.ErrnoException & { port?: number; address?: string }
  switch (errno?.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return { message: unknownOption(errno.message, context), code: EXIT.usage }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return { message: `${errno.message.split('. ')[0]!.replace(/\.$/, '')}; see "portrait-animator ${context.command} --help".`, code: EXIT.usage }
    case 'EADDRINUSE':
      return { message: `Port ${errno.port ?? ''} is already in use${errno.address ? ` on ${errno.address}` : ''}: stop what listens there or choose another with --port.`, code: EXIT.usage }
    case 'EADDRNOTAVAIL':
      return { message: `Cannot listen on ${errno.address ?? 'that address'}: it is not an address of this machine (use --host).`, code: EXIT.usage }
    case 'ENOENT':
      return { message: `No such file or folder: ${errno.path ?? errno.message}.`, code: EXIT.usage }
    case 'EACCES':
    case 'EPERM':
      return { message: errno.syscall === 'listen' ? `Not allowed to listen on port ${errno.port ?? ''}: ports below 1024 need privileges; choose another with --port.` : `Permission denied: ${errno.path ?? errno.message}.`, code: EXIT.usage }
    case 'EISDIR':
      return { message: `${errno.path ?? 'The path'} is a folder; give a file.`, code: EXIT.usage }
    default:
      return undefined
  }
}

/** "Unknown option --presett for animate; did you mean --preset?" */
function unknownOption(message: string, context: ErrorContext): string {
  const option = /'(-[^']*)'/.exec(message)?.[1] ?? message
  const suggestion = option.startsWith('--') ? closest(option, optionsInHelp(`${context.help}\n${GLOBAL_OPTIONS_HELP}`)) : undefined
  const hint = suggestion ? `; did you mean ${suggestion}?` : `; see "portrait-animator ${context.command} --help".`
  return `Unknown option ${option} for ${context.command}${hint}`
}
