import { EmulatorUsageError, runEmulatorCli } from '@portrait-animator/emulator'
import type { CliIo } from '../cli-io.js'
import { EXIT, UsageError } from '../exit-codes.js'

/** `portrait-animator emulator`: the emulator package's own command line. */
export async function emulatorCommand(args: string[], io: CliIo): Promise<number> {
  try {
    await runEmulatorCli(args, { stdout: io.stdout, stop: io.interrupt })
    return EXIT.ok
  } catch (error) {
    const unknown = error instanceof EmulatorUsageError ? /^Unknown option '([^']+)'/.exec(error.message) : null
    // Reported like every command's unknown option: one sentence with the closest option.
    if (unknown) throw Object.assign(new TypeError(`Unknown option '${unknown[1]}'`), { code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' })
    if (error instanceof EmulatorUsageError) throw new UsageError(`${error.message.trim().replace(/\.$/, '')}; see "portrait-animator emulator --help".`)
    throw error
  }
}
