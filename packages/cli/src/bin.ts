#!/usr/bin/env node
import { processIo } from './cli-io.js'
import { main } from './main.js'

const interrupt = new AbortController()
let interrupts = 0
process.on('SIGINT', () => {
  // First Ctrl-C: cancel remote jobs and stop cleanly. Second: leave at once.
  if (++interrupts > 1) process.exit(130)
  process.stderr.write('\nInterrupting: cancelling remote jobs and waiting for the providers to confirm (Ctrl-C again to quit now)...\n')
  interrupt.abort(new DOMException('Interrupted by the user', 'AbortError'))
})
process.on('SIGTERM', () => interrupt.abort(new DOMException('Terminated', 'AbortError')))

const code = await main(process.argv.slice(2), processIo(interrupt.signal))
process.exitCode = interrupt.signal.aborted && code !== 0 ? 130 : code
