import { existsSync } from 'node:fs'
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CliIo } from '../cli-io.js'
import { main } from '../main.js'
import type { ReportDocument } from '../report/report-document.js'

const ASTRONAUT = fileURLToPath(new URL('../../../../examples/assets/astronaut.png', import.meta.url))
const HELLO = fileURLToPath(new URL('../../../../examples/assets/hello.wav', import.meta.url))

interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs the CLI in-process with captured output; `onStderr` may abort `interrupt` to play Ctrl-C. */
async function run(args: string[], cwd: string, options: { onStderr?: (text: string, interrupt: AbortController) => void } = {}): Promise<Run> {
  let stdout = ''
  let stderr = ''
  const interrupt = new AbortController()
  const stream = (append: (text: string) => void) =>
    new Writable({
      write(chunk, _encoding, callback) {
        append(String(chunk))
        callback()
      },
    })
  const io: CliIo = {
    stdout: stream((text) => (stdout += text)),
    stderr: stream((text) => {
      stderr += text
      options.onStderr?.(text, interrupt)
    }),
    // No FAL_KEY: fal's targets are configured but skipped, as on a fresh machine.
    env: {},
    cwd,
    interrupt: interrupt.signal,
  }
  const code = await main(['compare', ...args], io)
  return { code, stdout, stderr }
}

describe('portrait-animator compare', () => {
  let directory: string
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'compare-command-'))
    const config = {
      stateDir: join(directory, 'state'),
      providers: { fal: { adapter: 'fal', apiKey: 'env:FAL_KEY' }, magichour: { adapter: 'magichour', apiKey: 'env:MAGIC_HOUR_API_KEY' }, local: { adapter: 'local' } },
      routes: {
        // fal/live-portrait is in no route: --targets must still reach it.
        default: { strategy: 'fallback', targets: ['local/warp'] },
        cloud: { strategy: 'compare', targets: ['magichour/image-to-video', 'fal/sadtalker'] },
      },
    }
    await writeFile(join(directory, 'portrait-animator.json'), JSON.stringify(config))
  })
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true })
  })

  it('runs the offline target and an unconfigured one, and reports both (exit 0)', async () => {
    const result = await run([ASTRONAUT, '--targets', 'local/warp,fal/live-portrait', '--out', 'report', '--json'], directory)
    expect(result.code).toBe(0)
    const printed = JSON.parse(result.stdout) as ReportDocument & { ok: boolean; html: string; json: string }
    expect(printed).toMatchObject({ ok: true, html: join(directory, 'report/report.html'), json: join(directory, 'report/report.json'), targets: ['local/warp', 'fal/live-portrait'] })
    const document = JSON.parse(await readFile(join(directory, 'report/report.json'), 'utf8')) as ReportDocument
    expect(document.images).toHaveLength(1)
    const [image] = document.images
    expect(image).toMatchObject({ input: 'inputs/astronaut.png', source: ASTRONAUT })
    const [local, fal] = image!.results
    expect(local).toMatchObject({ target: 'local/warp', ok: true, error: null, output: { path: 'media/astronaut-local-warp.mp4', mimeType: 'video/mp4', width: 512, height: 512, fps: 24 } })
    expect(local!.output!.durationSeconds).toBeCloseTo(3, 1)
    expect(local!.output!.motionEnergy).toBeGreaterThan(0.02)
    expect(local!.output!.identitySimilarity).toBeGreaterThan(0.6)
    expect(local!.durationMs).toBeGreaterThan(0)
    expect(fal).toMatchObject({ target: 'fal/live-portrait', ok: false, output: null, error: { kind: 'unsupported', message: expect.stringMatching(/not configured/) } })
    expect(document.summary['local/warp']).toMatchObject({ successes: 1, failures: 0 })
    expect(document.summary['fal/live-portrait']).toMatchObject({ successes: 0, failures: 1, medianLatencyMs: null })
    expect(existsSync(join(directory, 'report/media/astronaut-local-warp.mp4'))).toBe(true)
    expect(existsSync(join(directory, 'report/inputs/astronaut.png'))).toBe(true)
    const html = await readFile(join(directory, 'report/report.html'), 'utf8')
    expect(html).toContain('src="media/astronaut-local-warp.mp4"')
    expect(html).toContain('<span class="badge failed">unsupported</span>')
  })

  it('exits 3 when every target failed, still writing the report with the errors', async () => {
    const result = await run([ASTRONAUT, '--targets', 'fal/live-portrait', '--out', 'failed'], directory)
    expect(result.code).toBe(3)
    expect(result.stderr).toMatch(/Report: failed[/\\]report\.html \(1 image\(s\) × 1 target\(s\): 0 of 1 succeeded\)/)
    expect(result.stderr).toContain('Every target failed')
    const document = JSON.parse(await readFile(join(directory, 'failed/report.json'), 'utf8')) as ReportDocument
    expect(document.images[0]!.results[0]).toMatchObject({ ok: false, error: { kind: 'unsupported' } })
  })

  it('accepts a data URI input and records it shortened', async () => {
    const dataUri = `data:image/png;base64,${(await readFile(ASTRONAUT)).toString('base64')}`
    const result = await run([dataUri, '--targets', 'fal/live-portrait', '--out', 'data-uri'], directory)
    expect(result.code).toBe(3)
    const document = JSON.parse(await readFile(join(directory, 'data-uri/report.json'), 'utf8')) as ReportDocument
    expect(document.images[0]).toMatchObject({ input: 'inputs/image.png', source: `data:image/png;base64,… (${dataUri.length} characters)` })
  })

  it('takes the targets of a route with --route, in the route order', async () => {
    const result = await run([ASTRONAUT, '--route', 'cloud', '--out', 'route'], directory)
    expect(result.code).toBe(3)
    const document = JSON.parse(await readFile(join(directory, 'route/report.json'), 'utf8')) as ReportDocument
    expect(document.targets).toEqual(['magichour/image-to-video', 'fal/sadtalker'])
    expect(document.route).toBe('cloud')
    expect(document.images[0]!.results.map((cell) => [cell.target, cell.error?.kind])).toEqual([
      ['magichour/image-to-video', 'unsupported'],
      ['fal/sadtalker', 'unsupported'],
    ])
  })

  it('exits 130 on Ctrl-C, keeping the report of the images that finished', async () => {
    // Ctrl-C as the second image starts.
    const result = await run([ASTRONAUT, ASTRONAUT, '--targets', 'fal/live-portrait', '--out', 'interrupted'], directory, {
      onStderr: (text, interrupt) => text.startsWith('Image 2/2') && interrupt.abort(new DOMException('Interrupted by the user', 'AbortError')),
    })
    expect(result.code).toBe(130)
    expect(result.stderr).toMatch(/Interrupted; .*1 image\(s\) that finished/)
    const document = JSON.parse(await readFile(join(directory, 'interrupted/report.json'), 'utf8')) as ReportDocument
    expect(document.images.map((image) => image.input)).toEqual(['inputs/astronaut.png'])
  })

  it.each([
    ['no image', ['--targets', 'local/warp'], /needs at least one IMAGE/],
    ['a missing image', ['missing.png', '--targets', 'local/warp'], /image/i],
    ['--targets with --route', [ASTRONAUT, '--targets', 'local/warp', '--route', 'cloud'], /either --targets or --route/],
    ['a malformed target', [ASTRONAUT, '--targets', 'local'], /not provider\/model/],
    ['an unknown provider', [ASTRONAUT, '--targets', 'nope/model', '--out', 'unknown'], /unknown provider "nope" in target "nope\/model"/],
    ['an unknown model', [ASTRONAUT, '--targets', 'local/warp,fal/nope', '--out', 'unknown'], /fal\/nope/],
    ['an unknown route', [ASTRONAUT, '--route', 'nope', '--out', 'unknown'], /no route named "nope"/],
    ['a bad preset', [ASTRONAUT, '--targets', 'local/warp', '--preset', 'dance'], /--preset must be/],
    ['an unknown option', [ASTRONAUT, '--colour'], /Unknown option/],
    ['two motions', [ASTRONAUT, '--targets', 'local/warp', '--audio', HELLO, '--expression', 'smile=1'], /Choose one motion/],
    ['--start without --audio', [ASTRONAUT, '--targets', 'local/warp', '--start', '1'], /--start and --end go with --audio/],
    ['--end before --start', [ASTRONAUT, '--targets', 'local/warp', '--audio', HELLO, '--start', '2', '--end', '1'], /--end \(1\) must be after --start \(2\)/],
    ['a bad expression', [ASTRONAUT, '--targets', 'local/warp', '--expression', 'grin=1'], /unknown control "grin"/],
    ['an image given as --audio', [ASTRONAUT, '--targets', 'fal/sadtalker', '--audio', ASTRONAUT, '--out', 'unknown'], /audio/i],
    ['a missing manifest', ['--manifest', 'nope.csv', '--targets', 'local/warp'], /--manifest: cannot read .*nope\.csv: ENOENT/],
  ])('exits 2 for %s', async (_name, args, message) => {
    const result = await run(args, directory)
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(message)
    expect(existsSync(join(directory, 'unknown/report.json'))).toBe(false)
  })

  it('prints help with examples (exit 0)', async () => {
    const result = await run(['--help'], directory)
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Usage: portrait-animator compare (IMAGE... | --manifest FILE)')
    for (const flag of ['--audio FILE', '--start S, --end S', '--expression LIST', '--driving-video FILE', '--manifest FILE']) expect(result.stdout).toContain(flag)
    expect(result.stdout).toContain('Examples:')
    expect(result.stdout).toContain('--inline')
  })

  it('accepts --audio with --start/--end: the talking targets are asked, the others say why not (no unknown option)', async () => {
    const result = await run([ASTRONAUT, '--audio', HELLO, '--start', '0.5', '--end', '2.5', '--targets', 'fal/sadtalker,magichour/talking-photo', '--out', 'talking'], directory)
    expect(result.stderr).not.toMatch(/Unknown option/)
    expect(result.code).toBe(3)
    const document = JSON.parse(await readFile(join(directory, 'talking/report.json'), 'utf8')) as ReportDocument
    expect(document.motion).toBe('audio hello.wav 0.5–2.5 s')
    expect(document.images[0]!.motion).toBe('audio hello.wav 0.5–2.5 s')
    expect(document.images[0]!.results.map((cell) => [cell.target, cell.error?.message])).toEqual([
      ['fal/sadtalker', expect.stringMatching(/FAL_KEY is not set/)],
      ['magichour/talking-photo', expect.stringMatching(/MAGIC_HOUR_API_KEY is not set/)],
    ])
  })

  it('reads a CSV manifest: one row per image, each with its own motion, paths relative to the manifest', async () => {
    const folder = join(directory, 'manifest')
    await mkdir(folder, { recursive: true })
    await copyFile(ASTRONAUT, join(folder, 'me.png'))
    await writeFile(join(folder, 'rows.csv'), 'image,preset,expression\nme.png,nod,\nme.png,,"smile=0.8,yaw=10"\n')
    const result = await run(['--manifest', 'manifest/rows.csv', '--targets', 'local/warp', '--out', 'manifest-report'], directory)
    expect(result.code).toBe(0)
    const document = JSON.parse(await readFile(join(directory, 'manifest-report/report.json'), 'utf8')) as ReportDocument
    expect(document.motion).toBe('one per image')
    expect(document.images.map((image) => [image.source, image.motion, image.results[0]!.output?.mimeType])).toEqual([
      ['me.png', 'preset nod', 'video/mp4'],
      ['me.png', 'expression smile=0.8, yaw=10', 'image/jpeg'],
    ])
  })

  it('names the line of a bad manifest row and runs nothing (exit 2)', async () => {
    await writeFile(join(directory, 'bad.jsonl'), `{"image": ${JSON.stringify(ASTRONAUT)}, "preset": "nod"}\n{"image": ${JSON.stringify(ASTRONAUT)}, "expression": {"smile": "lots"}}\n`)
    const result = await run(['--manifest', 'bad.jsonl', '--targets', 'local/warp', '--out', 'bad-manifest'], directory)
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/--manifest line 2: --expression: smile must be a number/)
    expect(existsSync(join(directory, 'bad-manifest/report.json'))).toBe(false)
  })
})
