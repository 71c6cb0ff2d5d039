import { execFile } from 'node:child_process'
import { readFile, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { readMp4Summary } from '@portrait-animator/core'
import { describe, expect, it } from 'vitest'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const env = {
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(FAL_KEY|MAGIC_HOUR_API_KEY|AILAB_API_KEY|PORTRAIT_ANIMATOR_)/.test(name))),
  // The router's state (journal, remembered retirements) stays in the repository's ignored folder,
  // as before the default moved to the user's state folder: no test writes into the real home.
  PORTRAIT_ANIMATOR_STATE_DIR: join(root, '.portrait-animator'),
}

/**
 * How long one example may take. Each renders several real videos in a child process; on a busy
 * machine that takes minutes, not the 30 s default.
 */
const EXAMPLE_TIMEOUT_MS = 240_000

/** Runs an example the way its README says: one command, against the emulator. */
async function run(example: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [join(root, 'examples', example, 'run.mjs')], { cwd: root, env, timeout: EXAMPLE_TIMEOUT_MS - 10_000 })
  return stdout
}

describe('examples (each run as a user would, against the emulator)', () => {
  it('migrate-from-ailab: the old call fails as retired, the router serves, and the unchanged client works by base URL', async () => {
    const output = await run('migrate-from-ailab')
    expect(output).toContain('fails as the retired API does: AILab error 404 ERROR_AI_NOT_EXISTS')
    expect(output).toContain('ailab/live-photo: failed (retired)')
    expect(output).toContain('served by fal/live-portrait')
    expect(output).toMatch(/the unchanged client got a video from http:\/\/127\.0\.0\.1:\d+/)
    for (const file of ['after.mp4', 'base-url-only.mp4']) {
      expect(readMp4Summary(await readFile(join(root, 'out', 'examples', file))).frameCount).toBeGreaterThan(0)
    }
  }, EXAMPLE_TIMEOUT_MS)

  it('ab-compare: sticky arms and a side-by-side comparison of three targets', async () => {
    const output = await run('ab-compare')
    expect(output).toMatch(/ada\s+-> (fal\/live-portrait|local\/warp) \(same arm on every request\)/)
    expect(output).toMatch(/fal\/live-portrait\s+ok/)
    expect(output).toMatch(/magichour\/image-to-video\s+ok .*credits/)
    expect(output).toMatch(/local\/warp\s+ok/)
  }, EXAMPLE_TIMEOUT_MS)

  it('talking-compare: every talking target on the sample portrait and speech, with cost estimates and figures', async () => {
    const targets = ['magichour/talking-photo', 'fal/sadtalker', 'fal/kling-avatar-v2-standard', 'fal/omnihuman-v1-5']
    const files = targets.map((target) => join(root, 'out', 'examples', `talking-${target.replace('/', '-')}.mp4`))
    await Promise.all(files.map((file) => rm(file, { force: true })))
    const output = await run('talking-compare')
    expect(output).toMatch(/fal\/kling-avatar-v2-standard\s+\$0\.2704 \(estimated\)/)
    expect(output).toMatch(/fal\/omnihuman-v1-5\s+\$0\.7697 \(estimated\)/)
    expect(output).toMatch(/fal\/sadtalker\s+no published price/)
    for (const [index, target] of targets.entries()) {
      expect(output).toMatch(new RegExp(`${target.replace('/', '\\/')}\\s+ok\\s+\\d+ ms\\s+4\\.8 s of video`))
      expect(readMp4Summary(await readFile(files[index]!)).frameCount).toBeGreaterThan(0)
    }
  }, EXAMPLE_TIMEOUT_MS)

  it('config-switching: the same app is served by whatever the edited config puts first', async () => {
    const output = await run('config-switching')
    expect(output).toMatch(/Monday: fal first[\s\S]*served by: fal\/live-portrait/)
    expect(output).toMatch(/Tuesday[\s\S]*served by: magichour\/image-to-video/)
    expect(output).toMatch(/Wednesday[\s\S]*served by: fal\/live-portrait\s+\(attempts: broken\/live-portrait failed, fal\/live-portrait succeeded\)/)
  }, EXAMPLE_TIMEOUT_MS)
})
