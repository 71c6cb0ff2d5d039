import { execFileSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Vitest global setup: brings every package's dist/ up to date (incremental `tsc -b`), because some
 * tests run the built CLI, emulator and examples as child processes, the way users run them.
 */
export default function setup(): void {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..')
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', 'packages/cli'], { cwd: root, stdio: 'inherit' })
}
