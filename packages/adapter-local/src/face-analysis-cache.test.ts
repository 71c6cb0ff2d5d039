import { execFile } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLocal } from './create-local.js'
import { defaultFaceCacheDir } from './face-analysis-cache.js'
import { ASTRONAUT_PATH } from './local-test-images.test-helpers.js'

const COMPILED = fileURLToPath(new URL('../dist/index.js', import.meta.url))
const request = { image: ASTRONAUT_PATH, motion: { type: 'preset', preset: 'blink' }, output: { maxSide: 128 } } as const
let folder: string

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'face-cache-'))
})
afterAll(async () => {
  await rm(folder, { recursive: true, force: true })
})

/** The cache's entries (one JSON file per analysed image). */
const entries = (directory: string): string[] =>
  readdirSync(directory, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.json')).map((name) => join(directory, name))

/**
 * Animates the sample in a fresh Node process (the compiled package, as users run it) and reports
 * what the clip and the process showed: the cache's answer, the clip's bytes, and whether the
 * process loaded Human's face models at all.
 */
async function animateInFreshProcess(faceCache: string): Promise<{ faceCache: unknown; bytes: string; humanLoaded: boolean }> {
  const script = `
    import { createRequire } from 'node:module'
    const { createLocal } = await import(process.env.ADAPTER)
    const result = await createLocal({ workers: 0, faceCache: process.env.FACE_CACHE }).warp().animate(JSON.parse(process.env.REQUEST))
    const bytes = Buffer.from(await result.output.bytes()).toString('base64')
    const humanLoaded = Object.keys(createRequire(process.env.ADAPTER).cache).some((path) => path.includes('human.node-wasm'))
    process.stdout.write(JSON.stringify({ faceCache: result.providerMetadata.local.faceCache, bytes, humanLoaded }))
  `
  const env = { ...process.env, ADAPTER: COMPILED, FACE_CACHE: faceCache, REQUEST: JSON.stringify(request) }
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { env, maxBuffer: 64 * 1024 * 1024 })
  return JSON.parse(stdout) as { faceCache: unknown; bytes: string; humanLoaded: boolean }
}

describe('face analysis cache', () => {
  it('lets a second process animate a photo seen before without loading the face models, to the same clip', async () => {
    const cache = join(folder, 'processes')
    const first = await animateInFreshProcess(cache)
    expect(first).toMatchObject({ faceCache: 'miss', humanLoaded: true })
    expect(entries(cache)).toHaveLength(1)
    const second = await animateInFreshProcess(cache)
    expect(second).toMatchObject({ faceCache: 'hit', humanLoaded: false })
    expect(second.bytes).toBe(first.bytes)
  })

  it('ignores a damaged or misplaced entry: the face is analysed again, the clip is the same and the entry is repaired', async () => {
    const cache = join(folder, 'damaged')
    const animator = createLocal({ workers: 0, faceCache: cache }).warp()
    const render = async () => {
      const result = await animator.animate(request)
      return { faceCache: result.providerMetadata.local?.faceCache, bytes: Buffer.from(await result.output.bytes()) }
    }
    const original = await render()
    expect(original.faceCache).toBe('miss')
    const [entry] = entries(cache)
    for (const damage of ['{"format":1,"key":"', '{"format":1,"key":"another","faces":[]}', '{"format":1,"faces":[{"box":[1,2,3,4],"score":"high"}]}', '']) {
      await writeFile(entry!, damage)
      const again = await render()
      expect(again.faceCache).toBe('miss')
      expect(Buffer.compare(again.bytes, original.bytes)).toBe(0)
      expect((await render()).faceCache).toBe('hit')
    }
  })

  it('is off with faceCache: false and writes nothing', async () => {
    const result = await createLocal({ workers: 0, faceCache: false }).warp().animate(request)
    expect(result.providerMetadata.local).not.toHaveProperty('faceCache')
  })

  it('rejects a faceCache that is neither a folder nor false', () => {
    expect(() => createLocal({ faceCache: '' })).toThrow(/faceCache must be a folder or false/)
  })

  it('lives in the user cache folder of the platform unless the environment names one', () => {
    const home = '/home/ada'
    expect(defaultFaceCacheDir({ PORTRAIT_ANIMATOR_CACHE_DIR: '/srv/cache', XDG_CACHE_HOME: '/xdg' }, { home })).toBe(join('/srv/cache', 'faces'))
    expect(defaultFaceCacheDir({ XDG_CACHE_HOME: '/xdg' }, { home, platform: 'linux' })).toBe(join('/xdg', 'portrait-animator', 'faces'))
    expect(defaultFaceCacheDir({ XDG_CACHE_HOME: 'relative' }, { home, platform: 'linux' })).toBe(join(home, '.cache', 'portrait-animator', 'faces'))
    expect(defaultFaceCacheDir({}, { home, platform: 'darwin' })).toBe(join(home, 'Library', 'Caches', 'portrait-animator', 'faces'))
    expect(defaultFaceCacheDir({ LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local' }, { home, platform: 'win32' })).toBe(join('C:\\Users\\ada\\AppData\\Local', 'portrait-animator', 'cache', 'faces'))
  })
})
