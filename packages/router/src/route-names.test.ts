import { describe, expect, it } from 'vitest'
import { expectAnimatorError } from '@portrait-animator/core/testing'
import { createRouter } from './create-router.js'

const INHERITED = ['constructor', '__proto__', 'toString', 'hasOwnProperty'] as const

describe('route names inherited from Object.prototype are unknown routes', () => {
  it.each(INHERITED)('router.route("%s") is an unknown route', async (name) => {
    const router = await createRouter({ providers: { local: { adapter: 'local' } }, routes: { default: { strategy: 'fallback', targets: ['local/warp'] } }, journal: false })
    expect(() => router.route(name)).toThrow(expect.objectContaining({ kind: 'invalid_config', field: 'route', rule: 'unknown-route' }))
    const error = await expectAnimatorError(router.animate({ image: 'unused.png', motion: { type: 'preset', preset: 'live-photo' } }, { route: name }))
    expect(error).toMatchObject({ kind: 'invalid_config', field: 'route', rule: 'unknown-route', actual: name })
  })
})
