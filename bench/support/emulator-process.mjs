// Shared by the router benchmarks (bench/router-*.mjs). Not a benchmark itself: scripts/bench.mjs
// only runs the .mjs files directly inside bench/.
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

/**
 * Starts the emulator's command line in its own process (so its CPU and buffers are not the
 * measured process's); resolves with its base URL and a stop function.
 */
export async function startEmulatorProcess(args) {
  const bin = fileURLToPath(new URL('../../packages/emulator/dist/bin.js', import.meta.url))
  const child = spawn(process.execPath, [bin, '--seed', '1', ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
  const [line] = await Promise.race([
    createInterface({ input: child.stdout })[Symbol.asyncIterator]().next().then((next) => [next.value]),
    new Promise((_, reject) => child.once('exit', (code) => reject(new Error(`the emulator exited with ${code}`)))),
  ])
  const { baseUrl } = JSON.parse(line)
  return {
    baseUrl,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', resolve)
        child.kill('SIGTERM')
      }),
  }
}
