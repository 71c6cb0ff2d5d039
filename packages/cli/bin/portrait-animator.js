#!/usr/bin/env node
// The installed `portrait-animator` command. This file is committed (not built) so that `npm ci`
// can link it on a fresh clone before anything is compiled; it runs the compiled CLI in ../dist.
// Building here on demand would write into the install while another run may be reading it, and
// would hide a 30-second compile behind the first command, so it says how to build instead.
import { existsSync } from 'node:fs'

const entry = new URL('../dist/bin.js', import.meta.url)
if (!existsSync(entry)) {
  process.stderr.write('portrait-animator is not built yet: run "npm run build" (or "npm start") at the root of the repository, then run this command again.\n')
  process.exit(1)
}
await import(entry.href)
