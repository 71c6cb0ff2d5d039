import { writeSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'

/**
 * Vitest setup file: leaves evidence when a test worker dies. Vitest 4 reports only "Worker exited
 * unexpectedly" (it drops the exit code and signal), which has happened twice in this repository
 * under heavy load. A V8 fatal error (out of memory, abort) now writes a Node diagnostic report to
 * `.vitest/diagnostics/`, and a non-zero exit prints the code and the file that was running.
 */
const installed = Symbol.for('portrait-animator.worker-diagnostics')
const state = globalThis as { [installed]?: boolean; portraitAnimatorTestFile?: string }
if (!state[installed]) {
  state[installed] = true
  const root = join(dirname(fileURLToPath(import.meta.url)), '..')
  process.report.directory = join(root, '.vitest', 'diagnostics')
  process.report.reportOnFatalError = true
  process.on('exit', (code) => {
    if (code !== 0) writeSync(2, `[vitest worker ${process.pid}] exiting with code ${code} while running ${process.env.VITEST_POOL_ID ?? '?'}/${state.portraitAnimatorTestFile ?? 'unknown file'}\n`)
  })
}
state.portraitAnimatorTestFile = expect.getState().testPath
