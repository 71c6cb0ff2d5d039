/** How much a command prints on stderr besides errors. */
export type Verbosity = 'quiet' | 'normal' | 'verbose'

/** The options every command accepts, wherever they appear on the command line. */
export interface GlobalFlags {
  /** Print the stack of unexpected errors. */
  readonly debug: boolean
  readonly verbosity: Verbosity
}

/** The help lines of the global options. */
export const GLOBAL_OPTIONS_HELP = `Options for every command:
  -q, --quiet         print only errors on stderr (and the --json document on stdout)
  --verbose           print every routing event (attempts, job phases, fallbacks) as a line
  --debug             print the stack of an unexpected error
  --version           print the version`

/**
 * Takes `--debug`, `--quiet`/`-q` and `--verbose` out of `args` (before a `--`), so each command
 * parses only its own options.
 */
export function takeGlobalFlags(args: readonly string[]): { flags: GlobalFlags; rest: string[] } {
  const end = args.indexOf('--')
  const head = end < 0 ? args : args.slice(0, end)
  const tail = end < 0 ? [] : args.slice(end)
  const isGlobal = (arg: string) => arg === '--debug' || arg === '--quiet' || arg === '-q' || arg === '--verbose'
  const quiet = head.includes('--quiet') || head.includes('-q')
  const verbose = head.includes('--verbose')
  return {
    flags: { debug: head.includes('--debug'), verbosity: quiet ? 'quiet' : verbose ? 'verbose' : 'normal' },
    rest: [...head.filter((arg) => !isGlobal(arg)), ...tail],
  }
}
