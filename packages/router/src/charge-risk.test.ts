import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PortraitAnimatorError, type AnimationRequest, type ErrorKind } from '@portrait-animator/core'
import { createScriptedAnimator, type ScriptedAnimator, type ScriptStep } from '@portrait-animator/core/testing'
import { mayHaveCharged } from './charge-risk.js'
import { createRouter } from './create-router.js'

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')
const livePhoto: AnimationRequest = { image: PNG, motion: { type: 'preset', preset: 'live-photo' } }

function error(kind: ErrorKind, accepted?: boolean | 'unknown'): PortraitAnimatorError {
  return new PortraitAnimatorError({ kind, message: kind, ...(accepted === undefined ? {} : { accepted }) })
}

function paid(target: string, script: ScriptStep[]): ScriptedAnimator {
  const [provider, modelId] = target.split('/')
  return createScriptedAnimator({ provider: provider!, modelId: modelId!, script, capabilities: { offline: false } })
}

async function fallbackRouter(animators: Record<string, ScriptedAnimator>) {
  const ids = Object.keys(animators)
  const providers = Object.fromEntries(ids.map((id) => [id.split('/')[0]!, { adapter: id.split('/')[0]! }]))
  return createRouter(
    { providers, routes: { default: { strategy: 'fallback', targets: ids } }, stateDir: await mkdtemp(join(tmpdir(), 'pa-charge-risk-')), retry: { baseDelayMs: 1, maxDelayMs: 2 } },
    { animators, random: () => 0.5 },
  )
}

describe('mayHaveCharged', () => {
  it('is true when the answer was lost, or when an accepted job failed without the provider saying how it ended', () => {
    expect(mayHaveCharged(error('unavailable', 'unknown'))).toBe(true)
    expect(mayHaveCharged(error('timeout', true))).toBe(true)
    expect(mayHaveCharged(error('unavailable', true))).toBe(true)
    expect(mayHaveCharged(error('provider_error', true))).toBe(true)
  })

  it('is false when the provider refused the work, or itself ended the job in failure (which is not billed)', () => {
    expect(mayHaveCharged(error('unavailable', false))).toBe(false)
    expect(mayHaveCharged(error('rate_limited'))).toBe(false)
    expect(mayHaveCharged(error('job_failed', true))).toBe(false)
    expect(mayHaveCharged(error('no_face', true))).toBe(false)
    expect(mayHaveCharged(error('invalid_input', true))).toBe(false)
  })
})

describe('the router after an accepted job fails', () => {
  it('does not submit again, here or to another paid target, when the job\'s outcome is unknown', async () => {
    // A job was accepted, then every status check failed: it may still complete and be billed.
    const fal = paid('fal/live-portrait', [{ type: 'fail', error: { kind: 'unavailable', accepted: true, retryable: true } }, { type: 'succeed' }])
    const magichour = paid('magichour/image-to-video', [{ type: 'succeed' }])
    const local = createScriptedAnimator({ provider: 'local', modelId: 'warp', capabilities: { offline: true } })
    const router = await fallbackRouter({ 'fal/live-portrait': fal, 'magichour/image-to-video': magichour, 'local/warp': local })
    const result = await router.animate(livePhoto)
    expect(fal.calls).toHaveLength(1)
    expect(magichour.calls).toHaveLength(0)
    expect(result.servedBy.target).toBe('local/warp')
    expect(result.attempts.map((attempt) => [attempt.target, attempt.outcome, attempt.accepted])).toEqual([
      ['fal/live-portrait', 'failed', true],
      ['magichour/image-to-video', 'skipped', undefined],
      ['local/warp', 'succeeded', true],
    ])
  })

  it('tries again when the provider reported the job itself failed', async () => {
    const fal = paid('fal/live-portrait', [{ type: 'fail', error: { kind: 'job_failed', accepted: true, retryable: true } }, { type: 'succeed' }])
    const router = await fallbackRouter({ 'fal/live-portrait': fal })
    const result = await router.animate(livePhoto)
    expect(fal.calls).toHaveLength(2)
    expect(result.servedBy.target).toBe('fal/live-portrait')
  })
})
