import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { PortraitAnimator, RouterConfig } from '@portrait-animator/core'
import { createRouter } from '@portrait-animator/router'
import { createScriptedAnimator } from '@portrait-animator/core/testing'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { routeReadiness } from './route-readiness.js'

/** A router over the given animators (no keys in its environment), each target in the default route. */
async function routerOver(animators: Record<string, PortraitAnimator>, extra: Partial<RouterConfig> = {}) {
  const ids = Object.keys(animators)
  const providers = Object.fromEntries(ids.map((id) => [id.split('/')[0]!, { adapter: id.split('/')[0]! }]))
  const config: RouterConfig = { providers, routes: { default: { strategy: 'fallback', targets: ids } }, stateDir: await mkdtemp(join(tmpdir(), 'pa-ready-')), ...extra }
  return createRouter(config, { animators, env: {} })
}

describe('routeReadiness', () => {
  it('is ready with the built-in default config and no keys: the offline animator serves', async () => {
    const router = await createRouter(undefined, { env: {} })
    const readiness = routeReadiness(router, 'default')
    expect(readiness.ready).toBe(true)
    expect(readiness.targets).toEqual(
      expect.arrayContaining([
        { target: 'ailab/live-photo', state: 'unconfigured' },
        { target: 'fal/live-portrait', state: 'unconfigured' },
        { target: 'local/warp', state: 'ready' },
      ]),
    )
  })

  it('is not ready when the only target has no key', async () => {
    const router = await createRouter({ providers: { fal: { adapter: 'fal', apiKey: 'env:FAL_KEY' } }, routes: { default: { strategy: 'fallback', targets: ['fal/live-portrait'] } } }, { env: {} })
    expect(routeReadiness(router, 'default')).toEqual({
      ready: false,
      route: 'default',
      reason: 'every target of route "default" is skipped',
      targets: [{ target: 'fal/live-portrait', state: 'unconfigured' }],
    })
  })

  it('is not ready when the route does not exist, including names inherited from Object.prototype', async () => {
    const router = await routerOver({ 'fal/live-portrait': createScriptedAnimator() })
    expect(routeReadiness(router, 'missing')).toMatchObject({ ready: false, reason: 'the config has no route "missing"' })
    expect(routeReadiness(router, 'constructor')).toMatchObject({ ready: false })
  })

  it('counts retired, unsupported and breaker-open targets as skipped', async () => {
    const retired = createScriptedAnimator({ capabilities: { lifecycle: { status: 'retired', note: 'gone' } } })
    const audioOnly = createScriptedAnimator({ capabilities: { motions: ['audio'] } })
    const failing = createScriptedAnimator({ script: [{ type: 'fail', error: { kind: 'unavailable' } }] })
    const router = await routerOver({ 'ailab/live-photo': retired, 'fal/sadtalker': audioOnly, 'fal/live-portrait': failing }, { breaker: { failureThreshold: 1, cooldownMs: 600_000 }, retry: { maxAttempts: 1 } })
    expect(routeReadiness(router, 'default').ready).toBe(true)

    const image = await sharp({ create: { width: 256, height: 256, channels: 3, background: '#808080' } }).png().toBuffer()
    await expect(router.animate({ image, motion: { type: 'preset', preset: 'live-photo' } })).rejects.toMatchObject({ kind: 'unavailable' })
    expect(routeReadiness(router, 'default')).toMatchObject({
      ready: false,
      targets: [
        { target: 'ailab/live-photo', state: 'retired' },
        { target: 'fal/sadtalker', state: 'unsupported' },
        { target: 'fal/live-portrait', state: 'breaker-open' },
      ],
    })
  })
})
