import { exec } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { cleanEnv, ROOT } from './run-cli.test-helpers.js'

/** The shell commands of the README's `sh` blocks, in order, except blocks marked `readme-test: not run`. */
export function readmeCommands(markdown: string): string[] {
  const commands: string[] = []
  for (const match of markdown.matchAll(/(?:^|\n)((?:<!--[^\n]*-->\n)?)```sh\n([\s\S]*?)```/g)) {
    if (match[1]!.includes('readme-test: not run')) continue
    for (const line of match[2]!.split('\n')) if (line.trim() && !line.trim().startsWith('#')) commands.push(line.trim())
  }
  return commands
}

describe('the CLI README, run top to bottom (child processes, as a user types them)', () => {
  it('every command of its sh blocks exits 0, in a folder laid out like the repository', async () => {
    const readme = await readFile(join(ROOT, 'packages', 'cli', 'README.md'), 'utf8')
    const commands = readmeCommands(readme)
    expect(commands[0]).toBe('npx portrait-animator animate examples/assets/astronaut.png -o out/astronaut-live.mp4')
    expect(commands.length).toBeGreaterThanOrEqual(6)
    // A fresh folder with the repository's examples, packages and installed modules (so npx finds
    // the linked command), and nothing written into the repository itself.
    const folder = await mkdtemp(join(tmpdir(), 'pa-readme-'))
    for (const name of ['examples', 'packages', 'node_modules', 'package.json']) await symlink(join(ROOT, name), join(folder, name))
    const env = cleanEnv({ PATH: `${join(ROOT, 'node_modules', '.bin')}${delimiter}${process.env.PATH ?? ''}` })
    for (const command of commands) {
      const run = await promisify(exec)(command, { cwd: folder, env, timeout: 120_000 }).catch((error: { code: number; stderr: string }) => error)
      expect((run as { code?: number }).code ?? 0, `${command}\n${(run as { stderr: string }).stderr}`).toBe(0)
    }
    expect(existsSync(join(folder, 'out', 'astronaut-live.mp4'))).toBe(true)
    expect(existsSync(join(folder, 'portrait-animator.yaml'))).toBe(true)
  })
})
