import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cleanEnv, runCli, SAMPLE } from './run-cli.test-helpers.js'

const local = { local: { adapter: 'local' } }
const route = (targets: string[]) => ({ strategy: 'fallback', targets })

/** Configs the schema accepts but a run rejects, with the path validate must name. */
const REJECTED: Array<[string, object, string]> = [
  ['an unknown adapter', { providers: { local: { adapter: 'locale' } }, routes: { default: route(['local/warp']) } }, 'Invalid config at providers.local.adapter: unknown adapter "locale"; did you mean "local"?'],
  [
    'settings the adapter rejects',
    { providers: { ...local, fal: { adapter: 'fal', apiKey: 'env:FAL_KEY', settings: { pollIntervalMs: 'fast' } } }, routes: { default: route(['fal/live-portrait', 'local/warp']) } },
    'Invalid config at providers.fal.settings.pollIntervalMs: the fal adapter refuses these settings',
  ],
  ['a motionRoutes route that does not exist', { providers: local, routes: { default: route(['local/warp']) }, motionRoutes: { audio: 'talking' } }, 'Invalid config at motionRoutes.audio: there is no route named "talking"'],
  ['no default route', { providers: local, routes: { main: route(['local/warp']) } }, 'Invalid config at routes.default: there is no "default" route'],
  ['a target with no configured provider', { providers: local, routes: { default: route(['fal/live-portrait']) } }, 'Invalid config at routes.default.targets[0]: unknown provider "fal"'],
]

describe('config validate catches what the run would reject (child process)', () => {
  it.each(REJECTED)('%s: exit 2 with the path', async (_name, document, message) => {
    const folder = await mkdtemp(join(tmpdir(), 'pa-validate-'))
    await writeFile(join(folder, 'c.json'), JSON.stringify(document))
    const run = await runCli(['config', 'validate', 'c.json'], { cwd: folder, env: cleanEnv() })
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(message)
    expect(run.stderr.trim().split('\n')).toHaveLength(1)
  })

  it('a valid config without keys is valid (missing keys are notes: those targets are skipped)', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'pa-validate-'))
    expect((await runCli(['config', 'init'], { cwd: folder, env: cleanEnv() })).code).toBe(0)
    const run = await runCli(['config', 'validate', 'portrait-animator.json'], { cwd: folder, env: cleanEnv() })
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toContain('is valid')
  })
})

describe('YAML config files (child process)', () => {
  it('config init --yaml writes a commented YAML config that validates and that animate finds in the folder', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'pa-yaml-'))
    expect((await runCli(['config', 'init', '--yaml'], { cwd: folder, env: cleanEnv() })).code).toBe(0)
    const text = await readFile(join(folder, 'portrait-animator.yaml'), 'utf8')
    expect(text).toMatch(/^# portrait-animator configuration/)
    expect(text).toContain('apiKey: env:FAL_KEY')
    const valid = await runCli(['config', 'validate', 'portrait-animator.yaml'], { cwd: folder, env: cleanEnv() })
    expect(valid.code, valid.stderr).toBe(0)
    // A hand-written YAML config with comments, found in the working folder like portrait-animator.json.
    const own = await mkdtemp(join(tmpdir(), 'pa-yaml-'))
    await writeFile(join(own, 'portrait-animator.yml'), '# offline only\nproviders:\n  local: { adapter: local } # no key needed\nroutes:\n  default:\n    strategy: fallback\n    targets: [local/warp]\n')
    const run = await runCli(['animate', SAMPLE, '-o', 'live.mp4'], { cwd: own, env: cleanEnv() })
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).toContain('Served by local/warp')
    expect(run.stderr).not.toContain('fal/live-portrait')
  })

  it('a YAML syntax error says where and never prints the text, which may be a key', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'pa-yaml-'))
    await writeFile(join(folder, 'c.yml'), 'providers:\n  fal:\n    adapter: fal\n   apiKey: sk-live-SECRET123\n')
    for (const args of [['config', 'validate', 'c.yml'], ['animate', SAMPLE, '--config', 'c.yml', '-o', 'x.mp4']]) {
      const run = await runCli(args, { cwd: folder, env: cleanEnv() })
      expect(run.code).toBe(2)
      expect(run.stderr).toMatch(/c\.yml is not valid YAML: at line 4, column \d+, [a-z ]+\./)
      expect(run.stdout + run.stderr).not.toContain('SECRET')
    }
  })
})
