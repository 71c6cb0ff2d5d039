#!/usr/bin/env node
// `npm start`: animate the bundled sample portrait with the live-photo preset through the default
// route, exactly as a user would with the CLI. With no keys set, the route skips AILabTools
// (retired), fal and Magic Hour (not configured) and the offline animator serves.
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const run = spawnSync(
  process.execPath,
  [join(root, 'packages/cli/dist/bin.js'), 'animate', 'examples/assets/astronaut.png', '--preset', 'live-photo', '-o', 'out/astronaut-live.mp4', ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
)
process.exit(run.status ?? 1)
