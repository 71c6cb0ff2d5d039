import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli, SAMPLE } from './run-cli.test-helpers.js'

const SECRET = 'sk-live-SECRET123'

const BROKEN = [
  ['an unquoted key', `{ "providers": { "fal": { "adapter": "fal", "apiKey": ${SECRET} } } }`, 'line 1, column 55'],
  ['a single-quoted key', `{\n  "providers": {\n    "fal": { "adapter": "fal", "apiKey": '${SECRET}' }\n  }\n}\n`, 'line 3, column 42'],
] as const

describe('a config file that is not JSON (child process)', () => {
  it.each(BROKEN)('with %s: config validate and animate --config say where, exit 2, and never print the key', async (_name, text, where) => {
    const folder = await mkdtemp(join(tmpdir(), 'pa-cli-config-'))
    await writeFile(join(folder, 'broken.json'), text)
    const runs = [
      await runCli(['config', 'validate', 'broken.json'], { cwd: folder }),
      await runCli(['animate', SAMPLE, '--config', 'broken.json', '-o', join(folder, 'out.mp4')], { cwd: folder }),
      await runCli(['animate', SAMPLE, '--config', 'broken.json', '-o', join(folder, 'out.mp4'), '--json'], { cwd: folder }),
    ]
    for (const run of runs) {
      expect(run.code).toBe(2)
      expect(run.stderr).toContain('invalid_config')
      expect(run.stderr).toContain(where)
      expect(run.stdout + run.stderr).not.toContain('SECRET')
      expect(run.stdout + run.stderr).not.toContain('sk-live')
    }
  })
})
