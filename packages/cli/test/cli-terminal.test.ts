import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { BIN, cleanEnv, runCli, SAMPLE } from './run-cli.test-helpers.js'

const hasScript = existsSync('/usr/bin/script')

describe('portrait-animator on a terminal and in a pipe', () => {
  it.skipIf(!hasScript)('on a terminal, shows a live status line (rewritten in place) and a final summary', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'pa-tty-'))
    // `script` runs the command on a pseudo-terminal, as a user's shell would.
    const command = `${process.execPath} ${BIN} animate ${SAMPLE} -o ${join(folder, 'tty.mp4')}`
    const { stdout } = await promisify(execFile)('/usr/bin/script', ['-qec', command, '/dev/null'], { env: cleanEnv({ COLUMNS: '120' }), timeout: 60_000 })
    expect(stdout).toContain('\r\x1b[2K')
    expect(stdout).toMatch(/local\/warp: (starting|rendering|encoding)/)
    expect(stdout).toMatch(/\d+\.\d s/)
    expect(stdout).toContain('Served by local/warp')
    expect(existsSync(join(folder, 'tty.mp4'))).toBe(true)
  })

  it('when piped, prints plain lines without terminal control codes', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'pa-pipe-'))
    const run = await runCli(['animate', SAMPLE, '-o', join(folder, 'piped.mp4')], { env: cleanEnv() })
    expect(run.code).toBe(0)
    expect(run.stderr).not.toContain('\x1b[')
    expect(run.stderr).toContain('> local/warp: attempt 1')
    expect(run.stdout).toBe('')
  })

  it('compare writes report.html and report.json for every image and target', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'pa-compare-'))
    const run = await runCli(['compare', SAMPLE, '--targets', 'local/warp,fal/live-portrait', '--out', join(folder, 'report')], { env: cleanEnv(), timeoutMs: 90_000 })
    expect(run.code).toBe(0)
    expect(run.stderr).toContain('Report:')
    const report = JSON.parse(await readFile(join(folder, 'report', 'report.json'), 'utf8'))
    expect(report.targets).toEqual(['local/warp', 'fal/live-portrait'])
    const [local, fal] = report.images[0].results
    expect(local).toMatchObject({ target: 'local/warp', ok: true, output: { width: 512, height: 512, fps: 24 } })
    expect(local.output.motionEnergy).toBeGreaterThan(0)
    expect(local.output.identitySimilarity).toBeGreaterThan(0.8)
    expect(fal).toMatchObject({ target: 'fal/live-portrait', ok: false })
    const html = await readFile(join(folder, 'report', 'report.html'), 'utf8')
    expect(html).toContain('<video')
    expect(html).toContain('FAL_KEY is not set')
  })
})
