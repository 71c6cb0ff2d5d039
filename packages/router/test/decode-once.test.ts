import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { checkMediaLimits, loadMedia, type AnimatorProviderFactory, type PortraitAnimator } from '@portrait-animator/core'
import { createScriptedAnimator, type ScriptStep } from '@portrait-animator/core/testing'
import { createRouter } from '../src/index.js'
import { pngBytes } from '../../core/src/media/test-fixtures.test-helpers.js'
import type * as DecodeImage from '../../core/src/media/decode-image.js'

const decodes = vi.hoisted(() => ({ count: 0 }))
vi.mock('../../core/src/media/decode-image.js', async (importOriginal) => {
  const original = await importOriginal<typeof DecodeImage>()
  return {
    ...original,
    assertImageDecodes: (...args: Parameters<typeof original.assertImageDecodes>) => {
      decodes.count++
      return original.assertImageDecodes(...args)
    },
  }
})

/** A scripted target that loads and checks the image the way every real adapter does. */
function loadingTarget(target: string, script: ScriptStep[]): PortraitAnimator {
  const [provider, modelId] = target.split('/')
  const scripted = createScriptedAnimator({ provider: provider!, modelId: modelId!, script, capabilities: { offline: false } })
  return {
    ...scripted,
    async animate(request, options) {
      const image = await loadMedia(request.image, { field: 'image', expect: 'image' })
      checkMediaLimits(image, scripted.capabilities.inputs.image, 'image')
      return scripted.animate(request, options)
    },
  }
}

const unusedFactory: AnimatorProviderFactory = () => {
  throw new Error('not used')
}

describe('each input is read and decoded once per request', () => {
  it('a request from a file, tried on 2 targets (the first fails over), decodes the image once', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'pa-decode-once-'))
    const path = join(directory, 'portrait.png')
    await writeFile(path, pngBytes(64, 64))
    const animators = {
      'fal/live-portrait': loadingTarget('fal/live-portrait', [{ type: 'fail', error: { kind: 'unavailable', statusCode: 503, accepted: false } }]),
      'local/warp': loadingTarget('local/warp', [{ type: 'succeed' }]),
    }
    const router = await createRouter(
      {
        providers: { fal: { adapter: 'fal' }, local: { adapter: 'local' } },
        routes: { default: { strategy: 'fallback', targets: Object.keys(animators) } },
        stateDir: directory,
        retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 2 },
      },
      { animators, factories: { fal: unusedFactory, local: unusedFactory } },
    )
    decodes.count = 0
    const result = await router.animate({ image: path, motion: { type: 'preset', preset: 'live-photo' } })
    expect(result.servedBy.target).toBe('local/warp')
    expect(result.attempts.map((attempt) => attempt.target)).toEqual(['fal/live-portrait', 'local/warp'])
    expect(decodes.count).toBe(1)
  })
})

describe('a loaded media object passed as input', () => {
  it('is reused as is, but still checked against each call’s own caps', async () => {
    const media = await loadMedia(pngBytes(64, 64), { field: 'image', expect: 'image' })
    decodes.count = 0
    expect(await loadMedia(media, { field: 'image', expect: 'image' })).toBe(media)
    expect(decodes.count).toBe(0)
    expect(Object.isFrozen(media)).toBe(true)
    await expect(loadMedia(media, { field: 'image', expect: 'image', maxPixels: 100 })).rejects.toMatchObject({ kind: 'invalid_input', rule: 'max-pixels' })
    await expect(loadMedia(media, { field: 'motion.audio', expect: 'audio' })).rejects.toMatchObject({ kind: 'invalid_input', field: 'motion.audio', rule: 'format' })
    await expect(loadMedia(media, { field: 'image', expect: 'image', maxBytes: 10 })).rejects.toMatchObject({ kind: 'invalid_input', rule: 'max-bytes' })
  })

  it('a look-alike made by hand, or one whose bytes changed, is read and checked again from its bytes', async () => {
    const real = await loadMedia(pngBytes(64, 64), { field: 'image', expect: 'image' })
    const fake = { ...real, width: 1, height: 1 }
    decodes.count = 0
    const reloaded = await loadMedia(fake, { field: 'image', expect: 'image', maxPixels: 100 }).catch((error: unknown) => error)
    expect(reloaded).toMatchObject({ kind: 'invalid_input', rule: 'max-pixels' })
    const bytes = pngBytes(64, 64)
    const loaded = await loadMedia(bytes, { field: 'image', expect: 'image' })
    bytes.fill(0, 40)
    decodes.count = 0
    await expect(loadMedia(loaded, { field: 'image', expect: 'image' })).rejects.toMatchObject({ kind: 'invalid_input' })
  })
})
