import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { AnimationRequest } from '@portrait-animator/core'
import { createScriptedAnimator, expectAnimatorError } from '@portrait-animator/core/testing'
import { createRouter } from './create-router.js'

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')
const livePhoto: AnimationRequest = { image: PNG, motion: { type: 'preset', preset: 'live-photo' } }

describe('output_failed in the router', () => {
  it('is neither retried nor passed to the next (paid) target: the disk would refuse it too', async () => {
    // An adapter that writes its output itself (a cache, a file destination) and finds the disk full.
    const first = createScriptedAnimator({
      provider: 'fal',
      modelId: 'live-portrait',
      capabilities: { offline: false },
      script: [{ type: 'fail', error: { kind: 'output_failed', providerCode: 'ENOSPC', accepted: true, retryable: true } }],
    })
    const second = createScriptedAnimator({ provider: 'magichour', modelId: 'image-to-video', capabilities: { offline: false } })
    const router = await createRouter(
      {
        providers: { fal: { adapter: 'fal' }, magichour: { adapter: 'magichour' } },
        routes: { default: { strategy: 'fallback', targets: ['fal/live-portrait', 'magichour/image-to-video'] } },
        retry: { maxAttempts: 3 },
        unknownAcceptance: 'continue',
        stateDir: await mkdtemp(join(tmpdir(), 'pa-output-failed-')),
      },
      { animators: { 'fal/live-portrait': first, 'magichour/image-to-video': second } },
    )
    const error = await expectAnimatorError(router.animate(livePhoto))
    expect(error).toMatchObject({ kind: 'output_failed', providerCode: 'ENOSPC' })
    expect(first.calls).toHaveLength(1)
    expect(second.calls).toHaveLength(0)
    expect(error.attempts?.map((attempt) => attempt.target)).toEqual(['fal/live-portrait'])
  })
})
