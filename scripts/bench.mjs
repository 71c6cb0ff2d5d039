#!/usr/bin/env node
// Runs every benchmark in bench/ one after another (each in its own process, so one's memory
// does not count against another's peak RSS) and prints what each reports.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const folder = join(dirname(fileURLToPath(import.meta.url)), '..', 'bench')
const only = process.argv.slice(2)
const files = readdirSync(folder)
  .filter((name) => name.endsWith('.mjs'))
  .filter((name) => only.length === 0 || only.some((word) => name.includes(word)))
  .sort()

let failed = 0
for (const name of files) {
  console.log(`\n## ${name}`)
  const run = spawnSync(process.execPath, ['--expose-gc', join(folder, name)], { stdio: 'inherit' })
  if (run.status !== 0) failed++
}
process.exit(failed === 0 ? 0 : 1)
