#!/usr/bin/env node
import { processIo } from './cli-io.js'
import { interruptNotice } from './interrupt-notice.js'
import { main } from './main.js'

const interrupt = new AbortController()
let interrupts = 0
process.on('SIGINT', () => {
  // First Ctrl-C: stop cleanly (what that means depends on the command). Second: leave at once.
  if (++interrupts > 1) process.exit(130)
  process.stderr.write(interruptNotice(process.argv.slice(2)))
  interrupt.abort(new DOMException('Interrupted by the user', 'AbortError'))
})
process.on('SIGTERM', () => interrupt.abort(new DOMException('Terminated', 'AbortError')))

const code = await main(process.argv.slice(2), processIo(interrupt.signal))
process.exitCode = interrupt.signal.aborted && code !== 0 ? 130 : code
