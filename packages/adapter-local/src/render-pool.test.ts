import { execFile, spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { readMp4Summary } from '@portrait-animator/core'
import { expectAnimatorError, waitUntil } from '@portrait-animator/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLocal } from './create-local.js'
import { astronautBytes, gradientPng } from './local-test-images.test-helpers.js'
import { planRequest } from './plan-request.js'
import { createRenderPool } from './render-pool.js'

const SETTINGS = { maxSide: 256, fps: 24, noFace: 'error' } as const
const blink = { image: astronautBytes(), motion: { type: 'preset', preset: 'blink' }, output: { maxSide: 256 } } as const
const pool = createRenderPool({ size: 2 })
let folder: string
const run = promisify(execFile)
const hasFfmpeg = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0

/** The command names of this process's child processes (Linux /proc), e.g. a render's ffmpeg. */
function childCommands(): string[] {
  const children = readdirSync(`/proc/${process.pid}/task`).flatMap((task) => readFileSync(`/proc/${process.pid}/task/${task}/children`, 'utf8').trim().split(' ').filter(Boolean))
  return children.flatMap((pid) => {
    try {
      return [readFileSync(`/proc/${pid}/comm`, 'utf8').trim()]
    } catch {
      return []
    }
  })
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'render-pool-'))
})
afterAll(async () => {
  await pool.close()
  await rm(folder, { recursive: true, force: true })
})

describe('offline render pool', () => {
  it('renders clips in workers, the same bytes as on the calling thread', async () => {
    const { plan } = planRequest(blink, SETTINGS)
    const [first, second] = await Promise.all([pool.render(blink.image, plan), pool.render(blink.image, plan)])
    const inThread = await (await createLocal({ workers: 0, maxSide: 256 }).warp().animate(blink)).output.bytes()
    expect(readMp4Summary(first.rendered.bytes)).toMatchObject({ width: 256, height: 256, frameCount: 24 })
    expect(Buffer.compare(first.rendered.bytes, second.rendered.bytes)).toBe(0)
    expect(Buffer.compare(first.rendered.bytes, inThread)).toBe(0)
  })

  it('reports a pooled render’s progress in order, rendering up to 1 and then encoding', async () => {
    const { plan } = planRequest(blink, SETTINGS)
    const seen: Array<[string, number]> = []
    await pool.render(blink.image, plan, { onProgress: (phase, progress) => seen.push([phase, progress]) })
    const rendering = seen.filter(([phase]) => phase === 'rendering').map(([, progress]) => progress)
    expect(rendering.length).toBeGreaterThan(1)
    expect(rendering).toEqual([...rendering].sort((first, second) => first - second))
    expect(rendering.at(-1)).toBe(1)
    expect(seen.slice(rendering.length)).toEqual([['encoding', 0], ['encoding', 1]])
  })

  it('returns a worker’s error as the typed error it raised', async () => {
    const { plan } = planRequest({ ...blink, image: await gradientPng() }, SETTINGS)
    expect(await expectAnimatorError(pool.render(await gradientPng(), plan))).toMatchObject({ kind: 'no_face', provider: 'local' })
  })

  it('drops an aborted job, running or queued, and keeps serving', async () => {
    const { plan } = planRequest(blink, SETTINGS)
    const single = createRenderPool({ size: 1 })
    try {
      const controller = new AbortController()
      const running = single.render(blink.image, plan, {
        signal: controller.signal,
        onProgress: (phase) => {
          if (phase === 'rendering') controller.abort()
        },
      })
      const queuedController = new AbortController()
      const queued = expectAnimatorError(single.render(blink.image, plan, { signal: queuedController.signal }))
      queuedController.abort()
      expect(await expectAnimatorError(running)).toMatchObject({ kind: 'cancelled' })
      expect(await queued).toMatchObject({ kind: 'cancelled' })
      expect(readMp4Summary((await single.render(blink.image, plan)).rendered.bytes).frameCount).toBe(24)
    } finally {
      await single.close()
    }
  })

  it('stops a running job and its ffmpeg when the pool closes', async () => {
    const { plan } = planRequest({ ...blink, output: { maxSide: 512 } }, { ...SETTINGS, maxSide: 512 })
    const closing = createRenderPool({ size: 1 })
    let ffmpegSeen = false
    const job = expectAnimatorError(closing.render(blink.image, { ...plan, states: Array.from({ length: 20 }, () => plan.states).flat() }, {
      onProgress: (phase) => {
        if (phase === 'rendering') ffmpegSeen ||= childCommands().includes('ffmpeg')
      },
    }))
    await waitUntil(() => ffmpegSeen || !hasFfmpeg, { what: 'the clip to render' })
    await closing.close()
    expect(await job).toMatchObject({ kind: 'cancelled' })
    await waitUntil(() => !childCommands().includes('ffmpeg'), { what: 'no ffmpeg left' })
    // Nor its half-written file.
    await waitUntil(() => !readdirSync(tmpdir()).some((name) => name.startsWith(`portrait-animator-${process.pid}-`)), { what: 'no temporary MP4 left' })
  })

  it('renders in a process started with V8 flags, which workers refuse (node --max-old-space-size=…)', async () => {
    const script = `
      import { createRenderPool } from ${JSON.stringify(new URL('../dist/render-pool.js', import.meta.url).href)}
      import { planRequest } from ${JSON.stringify(new URL('../dist/plan-request.js', import.meta.url).href)}
      import { readFileSync } from 'node:fs'
      const image = readFileSync(${JSON.stringify(fileURLToPath(new URL('../../../examples/assets/astronaut.png', import.meta.url)))})
      const { plan } = planRequest({ image, motion: { type: 'preset', preset: 'blink' }, output: { maxSide: 128 } }, { maxSide: 128, fps: 24, noFace: 'error' })
      const pool = createRenderPool({ size: 1 })
      const { rendered } = await pool.render(image, plan)
      console.log(JSON.stringify({ frames: rendered.frameCount, width: rendered.width }))
      await pool.close()
    `
    const { stdout } = await run(process.execPath, ['--max-old-space-size=1024', '--max-semi-space-size=32', '--input-type=module', '-e', script])
    expect(JSON.parse(stdout)).toEqual({ frames: 24, width: 128 })
  })

  it('fails the job of a worker that dies with a retryable error and replaces the worker', async () => {
    // The first worker dies on its first job; the next one is the real worker.
    const marker = join(folder, 'crashed-once')
    const script = join(folder, 'crashing-worker.mjs')
    const realWorker = new URL('../dist/render-worker.js', import.meta.url).href
    await writeFile(script, `
      import { existsSync, writeFileSync } from 'node:fs'
      import { parentPort } from 'node:worker_threads'
      if (existsSync(${JSON.stringify(marker)})) await import(${JSON.stringify(realWorker)})
      else parentPort.on('message', (message) => {
        if (message.type !== 'render') return
        writeFileSync(${JSON.stringify(marker)}, '')
        throw new Error('worker crashed')
      })
    `)
    const crashing = createRenderPool({ size: 1, workerUrl: pathToFileURL(script) })
    try {
      const { plan } = planRequest(blink, SETTINGS)
      const error = await expectAnimatorError(crashing.render(blink.image, plan))
      expect(error).toMatchObject({ kind: 'unavailable', retryable: true })
      expect(error.message).toMatch(/worker stopped unexpectedly.*worker crashed/)
      expect(readMp4Summary((await crashing.render(blink.image, plan)).rendered.bytes).frameCount).toBe(24)
    } finally {
      await crashing.close()
    }
  })
})
