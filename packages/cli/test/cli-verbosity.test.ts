import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { ENVIRONMENT } from '../src/environment-help.js'
import { BIN, cleanEnv, ROOT, runCli, SAMPLE } from './run-cli.test-helpers.js'

const hasScript = existsSync('/usr/bin/script')

/** Every `.ts` file under `folder` that is not a test. */
async function sources(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true })
  return entries.filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !/\.test(-helpers)?\.ts$/.test(entry.name)).map((entry) => join(entry.parentPath, entry.name))
}

describe('--quiet, --verbose, NO_COLOR and the environment (child process)', () => {
  it('--quiet prints nothing but saves the output; --verbose prints every step', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'pa-verbosity-'))
    const quiet = await runCli(['animate', SAMPLE, '-o', join(folder, 'quiet.mp4'), '--quiet'], { env: cleanEnv() })
    expect(quiet.code, quiet.stderr).toBe(0)
    expect(quiet.stderr).toBe('')
    expect(quiet.stdout).toBe('')
    expect(existsSync(join(folder, 'quiet.mp4'))).toBe(true)

    const verbose = await runCli(['--verbose', 'animate', SAMPLE, '-o', join(folder, 'verbose.mp4')], { env: cleanEnv() })
    expect(verbose.code, verbose.stderr).toBe(0)
    expect(verbose.stderr).toContain('- fal/live-portrait: skipped, not configured: FAL_KEY is not set')
    expect(verbose.stderr).toContain('> local/warp: attempt 1')
    expect(verbose.stderr).toMatch(/local\/warp: served in \d+\.\d s/)
    expect(verbose.stderr).toContain('Served by local/warp')
  })

  it('--quiet still reports an error in one sentence', async () => {
    const run = await runCli(['animate', 'nothere.png', '-q'], { env: cleanEnv() })
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('nothere.png')
  })

  it.skipIf(!hasScript)('on a terminal with NO_COLOR (or without it), no colour code is printed', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'pa-color-'))
    for (const extra of [{ NO_COLOR: '1' }, { FORCE_COLOR: '1' }] as Array<Record<string, string>>) {
      const command = `${process.execPath} ${BIN} animate ${SAMPLE} -o ${join(folder, 'c.mp4')}`
      const { stdout } = await promisify(execFile)('/usr/bin/script', ['-qec', command, '/dev/null'], { env: cleanEnv({ COLUMNS: '120', ...extra }), timeout: 60_000 })
      expect(stdout).toContain('Served by local/warp')
      // eslint-disable-next-line no-control-regex -- the escape character is what is looked for
      expect(stdout).not.toMatch(/\x1b\[[0-9;]*m/)
    }
  })

  it('--help has the table of every environment variable the project reads, and so has the README', async () => {
    const help = await runCli(['--help'])
    const readme = await readFile(join(ROOT, 'packages', 'cli', 'README.md'), 'utf8')
    for (const variable of ENVIRONMENT) {
      expect(help.stdout).toContain(`  ${variable.name} `)
      expect(readme).toContain(`| \`${variable.name}\` |`)
    }
    const read = new Set<string>()
    for (const pkg of await readdir(join(ROOT, 'packages'))) {
      for (const file of await sources(join(ROOT, 'packages', pkg, 'src')).catch(() => [])) {
        const code = (await readFile(file, 'utf8')).split('\n').filter((line) => !/^\s*(\*|\/\/)/.test(line)).join('\n')
        for (const match of code.matchAll(/env(?:\?\.|\.)([A-Z][A-Z0-9_]+)|env\[['"]([A-Z][A-Z0-9_]+)['"]\]|_VARIABLE = '([A-Z][A-Z0-9_]+)'/g)) read.add(match[1] ?? match[2] ?? match[3]!)
      }
    }
    expect(read.size).toBeGreaterThan(5)
    expect([...read].filter((name) => !ENVIRONMENT.some((variable) => variable.name === name))).toEqual([])
  })
})
