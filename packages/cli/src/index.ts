/**
 * The portrait-animator command line, usable in-process (for tests and embedding).
 * @module
 */
export { processIo, type CliIo } from './cli-io.js'
export { EXIT, exitCodeFor } from './exit-codes.js'
export { main } from './main.js'
