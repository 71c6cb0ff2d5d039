import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PortraitAnimatorError } from '../errors/index.js'
import { configJsonSchema } from './config-json-schema.js'
import { DEFAULT_CONFIG } from './default-config.js'
import { loadConfig, validateConfig } from './load-config.js'

function configError(document: unknown): PortraitAnimatorError {
  try {
    validateConfig(document)
  } catch (error) {
    if (PortraitAnimatorError.isInstance(error)) return error
    throw error
  }
  throw new Error('expected the config to be rejected')
}

const base = {
  providers: { fal: { adapter: 'fal', apiKey: 'env:FAL_KEY' }, local: { adapter: 'local' } },
  routes: { default: { strategy: 'fallback', targets: ['fal/live-portrait', 'local/warp'] } },
}

describe('loadConfig', () => {
  it('loads the default config and resolves env: keys, reporting the missing ones', async () => {
    const loaded = await loadConfig(undefined, { env: { FAL_KEY: 'fal-key-abcdef' } })
    expect(loaded.source).toBe('(default)')
    expect(loaded.providers.get('fal')).toMatchObject({ apiKey: 'fal-key-abcdef' })
    expect(loaded.providers.get('ailab')).toMatchObject({ missingKeyReason: 'AILAB_API_KEY is not set' })
    expect(loaded.providers.get('ailab')?.apiKey).toBeUndefined()
    expect(loaded.providers.get('replicate')).toMatchObject({ missingKeyReason: 'REPLICATE_API_TOKEN is not set' })
    expect(loaded.config.routes.default?.targets).toEqual(['ailab/live-photo', 'fal/live-portrait', 'replicate/live-portrait', 'magichour/image-to-video', 'local/warp'])
    expect(loaded.config.routes.driving?.targets).toEqual(['fal/live-portrait', 'replicate/live-portrait'])
    expect(loaded.config.routes.talking?.targets).toEqual(['magichour/talking-photo', 'fal/sadtalker', 'fal/kling-avatar-v2-standard', 'fal/omnihuman-v1-5'])
  })

  it('reads a JSON file by path', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'pa-config-'))
    const path = join(folder, 'portrait-animator.json')
    await writeFile(path, JSON.stringify(base))
    const loaded = await loadConfig(path, { env: {} })
    expect(loaded.source).toBe(path)
    expect([...loaded.providers.keys()]).toEqual(['fal', 'local'])
  })

  it.each([
    ['unknown top-level key', { ...base, extra: 1 }, '(root)', 'unknown key "extra"'],
    ['unknown provider key', { ...base, providers: { ...base.providers, fal: { adapter: 'fal', apikey: 'x' } } }, 'providers.fal', 'unknown key "apikey"'],
    ['wrong type', { ...base, retry: { maxAttempts: 'three' } }, 'retry.maxAttempts', ''],
    ['unknown strategy', { ...base, routes: { default: { strategy: 'random', targets: ['local/warp'] } } }, 'routes.default.strategy', ''],
    ['unknown provider in a target', { ...base, routes: { default: { strategy: 'fallback', targets: ['ailab/live-photo'] } } }, 'routes.default.targets[0]', 'unknown provider "ailab"'],
    ['unknown model', { ...base, routes: { default: { strategy: 'fallback', targets: ['local/warp', 'fal/live-portraits'] } } }, 'routes.default.targets[1]', 'unknown target "fal/live-portraits"'],
    ['malformed target', { ...base, routes: { default: { strategy: 'fallback', targets: ['fal'] } } }, 'routes.default.targets[0]', 'provider/model'],
    ['split without weight', { ...base, routes: { ab: { strategy: 'split', targets: [{ target: 'local/warp' }] } } }, 'routes.ab.targets[0].weight', ''],
    ['motion route to nowhere', { ...base, motionRoutes: { audio: 'talking' } }, 'motionRoutes.audio', 'no route named "talking"'],
    ['bad base URL', { ...base, providers: { ...base.providers, fal: { adapter: 'fal', baseUrl: 'ftp://x' } } }, 'providers.fal.baseUrl', ''],
    ['shadow target unknown', { ...base, routes: { default: { strategy: 'shadow', targets: ['local/warp'], shadow: ['magichour/talking-photo'] } } }, 'routes.default.shadow[0]', 'unknown provider "magichour"'],
  ])('rejects %s, naming the path', (_name, document, path, words) => {
    const error = configError(document)
    expect(error.kind).toBe('invalid_config')
    expect(error.field).toBe(path)
    expect(error.message).toContain(path)
    if (words) expect(error.message).toContain(words)
  })

  it('reports a file that is not JSON as invalid_config', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'pa-config-'))
    const path = join(folder, 'broken.json')
    await writeFile(path, '{ "providers": ')
    await expect(loadConfig(path)).rejects.toMatchObject({ kind: 'invalid_config' })
    await expect(loadConfig(join(folder, 'missing.json'))).rejects.toMatchObject({ kind: 'invalid_config' })
  })
})

describe('the shipped JSON Schema', () => {
  it('is exactly what the zod schema generates (run `npm run write-config-schema -w @portrait-animator/core` after a change)', async () => {
    const shipped = JSON.parse(await readFile(new URL('../../config.schema.json', import.meta.url), 'utf8'))
    expect(shipped).toEqual(JSON.parse(JSON.stringify(configJsonSchema())))
  })

  it('covers every key of the default config and forbids unknown top-level keys', async () => {
    const schema = configJsonSchema() as { additionalProperties?: boolean; properties: Record<string, unknown> }
    expect(schema.additionalProperties).toBe(false)
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(Object.keys(DEFAULT_CONFIG)))
    expect(() => validateConfig(DEFAULT_CONFIG)).not.toThrow()
  })
})
