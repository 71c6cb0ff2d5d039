import { existsSync } from 'node:fs'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readMp4Summary } from '@portrait-animator/core'
import { describe, expect, it } from 'vitest'
import { cleanEnv, runCli, SAMPLE } from './run-cli.test-helpers.js'

describe('portrait-animator animate (child process, no keys, no network)', () => {
  it('animates the sample through the default route, says how, and writes a playable MP4', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'pa-cli-'))
    const run = await runCli(['animate', SAMPLE, '-o', 'live.mp4'], { cwd: folder, env: cleanEnv() })
    expect(run.code).toBe(0)
    expect(run.stderr).toMatch(/ailab\/live-photo: skipped, retired by the provider/)
    expect(run.stderr).toContain('fal/live-portrait: skipped, not configured: FAL_KEY is not set')
    expect(run.stderr).toContain('replicate/live-portrait: skipped, not configured: REPLICATE_API_TOKEN is not set')
    expect(run.stderr).toContain('magichour/image-to-video: skipped, not configured: MAGIC_HOUR_API_KEY is not set')
    expect(run.stderr).toMatch(/Served by local\/warp in [\d.]+ s: live\.mp4 \(video\/mp4, 512x512, 3\.0 s/)
    const summary = readMp4Summary(await readFile(join(folder, 'live.mp4')))
    expect(summary).toMatchObject({ codec: 'avc1', width: 512, height: 512, frameCount: 72 })
  })

  it('--json prints one document with the output path, servedBy and every attempt', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'pa-cli-'))
    const run = await runCli(['animate', SAMPLE, '--expression', 'smile=0.8,yaw=6', '--json'], { cwd: folder, env: cleanEnv() })
    expect(run.code).toBe(0)
    const document = JSON.parse(run.stdout)
    expect(document).toMatchObject({ ok: true, servedBy: { target: 'local/warp' }, output: { kind: 'image', mimeType: 'image/jpeg' } })
    expect(document.output.path).toBe(join(folder, 'out', 'astronaut-expression.jpg'))
    expect(existsSync(document.output.path)).toBe(true)
    expect(document.attempts.map((attempt: { target: string }) => attempt.target)).toEqual(['fal/live-portrait-image', 'local/warp'])
  })

  it('bad input exits 2 with the field and rule, and writes nothing', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'pa-cli-'))
    await writeFile(join(folder, 'photo.jpg'), '<!doctype html><html><body>not a photo</body></html>')
    const run = await runCli(['animate', 'photo.jpg', '-o', 'out.mp4'], { cwd: folder, env: cleanEnv() })
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/Error \(invalid_input\): .*image/)
    expect(existsSync(join(folder, 'out.mp4'))).toBe(false)
  })

  it('exits 3 when every target fails, listing each and why', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'pa-cli-'))
    const run = await runCli(['animate', SAMPLE, '--target', 'fal/live-portrait', '--json'], { cwd: folder, env: cleanEnv() })
    expect(run.code).toBe(3)
    const document = JSON.parse(run.stdout)
    expect(document.ok).toBe(false)
    expect(document.error.message).toContain('fal/live-portrait: skipped (not configured: FAL_KEY is not set)')
  })
})
