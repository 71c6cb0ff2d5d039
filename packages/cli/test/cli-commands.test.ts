import { existsSync } from 'node:fs'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cleanEnv, firstLine, runCli, startCli } from './run-cli.test-helpers.js'

const commands = ['animate', 'compare', 'measure', 'providers', 'config', 'serve', 'emulator', 'resume', 'state']

describe('portrait-animator (child process)', () => {
  it('prints the overview with every command and the exit codes', async () => {
    const run = await runCli(['--help'])
    expect(run.code).toBe(0)
    for (const command of commands) expect(run.stdout).toContain(command)
    expect(run.stdout).toContain('Exit codes: 0 success, 2 bad input or config, 3 every target failed, 4 the output could not be\nwritten (it was kept: the message says where), 130 interrupted')
  })

  it.each(commands)('%s --help shows usage and examples', async (command) => {
    const run = await runCli([command, '--help'])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(new RegExp(`Usage: portrait-animator ${command}`))
    expect(run.stdout).toContain('Examples:')
  })

  it('rejects an unknown command and an unknown option with exit code 2', async () => {
    expect((await runCli(['animat'])).code).toBe(2)
    const run = await runCli(['animate', 'x.png', '--presett', 'nod'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('--presett')
  })

  it('config init writes a valid config; validate accepts it and names the path of a mistake', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'pa-cli-'))
    const init = await runCli(['config', 'init'], { cwd: folder })
    expect(init.code).toBe(0)
    const path = join(folder, 'portrait-animator.json')
    const document = JSON.parse(await readFile(path, 'utf8'))
    expect(document.routes.default.targets).toEqual(['ailab/live-photo', 'fal/live-portrait', 'replicate/live-portrait', 'magichour/image-to-video', 'local/warp'])
    expect((await runCli(['config', 'init'], { cwd: folder })).code).toBe(2)

    const valid = await runCli(['config', 'validate', 'portrait-animator.json'], { cwd: folder })
    expect(valid.code).toBe(0)
    expect(valid.stdout).toContain('is valid')
    expect(valid.stdout).toContain('FAL_KEY is not set')

    document.routes.default.targets[1] = 'fal/live-portraits'
    await writeFile(path, JSON.stringify(document))
    const invalid = await runCli(['config', 'validate', 'portrait-animator.json'], { cwd: folder })
    expect(invalid.code).toBe(2)
    expect(invalid.stderr).toContain('routes.default.targets[1]')
  })

  it('config schema prints the JSON Schema', async () => {
    const run = await runCli(['config', 'schema'])
    expect(run.code).toBe(0)
    const schema = JSON.parse(run.stdout)
    expect(schema.$schema).toContain('json-schema.org')
    expect(schema.properties).toHaveProperty('routes')
  })

  it('providers lists every target with its state, and --json for machines', async () => {
    const table = await runCli(['providers'], { env: cleanEnv() })
    expect(table.code).toBe(0)
    expect(table.stdout).toMatch(/ailab\/live-photo\s+retired/)
    expect(table.stdout).toMatch(/local\/warp\s+active\s+ready/)
    expect(table.stdout).toContain('FAL_KEY is not set')

    const json = await runCli(['providers', '--json'], { env: cleanEnv({ FAL_KEY: 'fal-test-key-123456' }) })
    const targets = JSON.parse(json.stdout) as Array<{ target: string; configured: boolean }>
    expect(targets.find((target) => target.target === 'fal/live-portrait')?.configured).toBe(true)
    expect(targets.find((target) => target.target === 'magichour/talking-photo')?.configured).toBe(false)
    expect(json.stdout).not.toContain('fal-test-key-123456')
  })

  it('resume with an empty journal says so', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'pa-cli-'))
    const run = await runCli(['resume'], { cwd: folder })
    expect(run.code).toBe(0)
    expect(run.stderr).toContain('Nothing to resume')
    expect(existsSync(join(folder, '.portrait-animator', 'journal'))).toBe(false)
  })

  it('emulator starts the provider emulator on loopback, prints its base URL and stops cleanly on Ctrl-C', async () => {
    const child = startCli(['emulator', '--port', '0', '--seed', '3', '--ailab', 'retired'])
    const { baseUrl } = JSON.parse(await firstLine(child)) as { baseUrl: string }
    expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const form = new FormData()
    form.append('image_target', new Blob([new Uint8Array([1, 2, 3])]), 'x.png')
    const response = await fetch(`${baseUrl}/api/portrait/effects/live-photo`, { method: 'POST', headers: { 'ailabapi-api-key': 'k' }, body: form })
    expect(response.status).toBe(404)
    expect(await response.json()).toMatchObject({ error_detail: { code: 'ERROR_AI_NOT_EXISTS' } })
    child.kill('SIGINT')
    expect((await child.done).code).toBe(0)
  })

  it('emulator rejects a bad option with exit code 2', async () => {
    const run = await runCli(['emulator', '--ailab', 'sometimes'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('--ailab must be live or retired')
  })
})
