import { execFile } from 'node:child_process'
import { copyFile, mkdir, mkdtemp, readFile, realpath } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { cleanEnv, ROOT } from './run-cli.test-helpers.js'

const run = promisify(execFile)

describe('the installed command (npx portrait-animator)', () => {
  it('node_modules/.bin/portrait-animator is a committed file, so npm ci links it before any build', async () => {
    const linked = await realpath(join(ROOT, 'node_modules', '.bin', 'portrait-animator'))
    const path = relative(ROOT, linked)
    expect(path).toBe(join('packages', 'cli', 'bin', 'portrait-animator.js'))
    const { stdout: tracked } = await run('git', ['ls-files', '--error-unmatch', path], { cwd: ROOT })
    expect(tracked.trim()).toBe(path)
    const manifest = JSON.parse(await readFile(join(ROOT, 'packages', 'cli', 'package.json'), 'utf8'))
    expect(manifest.bin['portrait-animator']).toBe('./bin/portrait-animator.js')
    expect(manifest.files).toContain('bin')
  })

  it('npx portrait-animator --version works in the checkout', async () => {
    const { stdout } = await run('npx', ['--no-install', 'portrait-animator', '--version'], { cwd: ROOT, env: cleanEnv(), timeout: 60_000 })
    expect(stdout.trim()).toBe('0.1.0')
  })

  it('before the build, the command says in one sentence how to build, and exits 1', async () => {
    // The shim as npm ci leaves it on a fresh clone: ../dist does not exist yet.
    const folder = await mkdtemp(join(tmpdir(), 'pa-shim-'))
    await mkdir(join(folder, 'bin'))
    await copyFile(join(ROOT, 'packages', 'cli', 'bin', 'portrait-animator.js'), join(folder, 'bin', 'portrait-animator.js'))
    const failure = await run(process.execPath, [join(folder, 'bin', 'portrait-animator.js'), '--version'], { env: cleanEnv() }).catch((error: { code: number; stdout: string; stderr: string }) => error)
    expect(failure).toMatchObject({ code: 1, stdout: '' })
    expect((failure as { stderr: string }).stderr).toBe('portrait-animator is not built yet: run "npm run build" (or "npm start") at the root of the repository, then run this command again.\n')
  })
})
