import { PortraitAnimatorError } from '@portrait-animator/core'

/** Process exit codes of the `portrait-animator` command. */
export const EXIT = {
  /** Success. */
  ok: 0,
  /** An unexpected failure of the command itself. */
  internal: 1,
  /** Bad input or configuration: fix the command line, the file or the config. */
  usage: 2,
  /** Every target failed (or none could serve the request). */
  allFailed: 3,
  /** The output was made but could not be written (disk full, read-only); the message says where it was kept. */
  outputFailed: 4,
  /** Interrupted by Ctrl-C (remote jobs are cancelled first; the message names any not confirmed). */
  interrupted: 130,
} as const

/** The exit code a failure deserves. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError) return EXIT.usage
  if (!PortraitAnimatorError.isInstance(error)) return EXIT.internal
  switch (error.kind) {
    case 'invalid_input':
    case 'invalid_config':
    case 'no_face':
      return EXIT.usage
    case 'cancelled':
      return EXIT.interrupted
    case 'output_failed':
      return EXIT.outputFailed
    default:
      return EXIT.allFailed
  }
}

/** A mistake on the command line. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}
