import { EMULATOR_USAGE, EmulatorUsageError, runEmulatorCli } from '@portrait-animator/emulator'
import type { CliIo } from '../cli-io.js'
import { EXIT, UsageError } from '../exit-codes.js'

/** `portrait-animator emulator`: the emulator package's own command line. */
export async function emulatorCommand(args: string[], io: CliIo): Promise<number> {
  try {
    await runEmulatorCli(args, { stdout: io.stdout, stop: io.interrupt })
    return EXIT.ok
  } catch (error) {
    if (error instanceof EmulatorUsageError) throw new UsageError(`${error.message}\n\n${EMULATOR_USAGE}`)
    throw error
  }
}
