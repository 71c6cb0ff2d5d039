import { takeGlobalFlags } from './global-flags.js'

/** Commands whose Ctrl-C does something other than cancelling remote jobs. */
const NOTICES: Readonly<Record<string, string>> = {
  batch: 'Interrupting: nothing is cancelled; the portraits not done stay queued and the same command resumes them (Ctrl-C again to quit now)...',
  worker: "Stopping: finishing this worker's running jobs (Ctrl-C again to quit now: another worker takes them back without paying again)...",
  serve: 'Shutting down: no new requests; the ones in flight are finished (Ctrl-C again to quit now)...',
  emulator: 'Stopping the emulator...',
}

/**
 * What the CLI prints on the first Ctrl-C of `args`' command: most commands cancel their remote
 * jobs and wait for the providers to confirm; `batch` leaves its jobs queued, `worker` and `serve`
 * finish what they are doing.
 */
export function interruptNotice(args: readonly string[]): string {
  const [command] = takeGlobalFlags(args).rest
  const notice = command !== undefined && Object.hasOwn(NOTICES, command) ? NOTICES[command] : undefined
  return `\n${notice ?? 'Interrupting: cancelling remote jobs and waiting for the providers to confirm (Ctrl-C again to quit now)...'}\n`
}
