#!/usr/bin/env node
import { EMULATOR_USAGE, runEmulatorCli } from './emulator-cli.js'

const stop = new AbortController()
process.once('SIGINT', () => stop.abort())
process.once('SIGTERM', () => stop.abort())

runEmulatorCli(process.argv.slice(2), { stdout: process.stdout, stop: stop.signal }).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`portrait-animator-emulator: ${error instanceof Error ? error.message : String(error)}\n\n${EMULATOR_USAGE}\n`)
    process.exit(2)
  },
)
