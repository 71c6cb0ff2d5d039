import { describe, expect, it } from 'vitest'
import { validateConfig } from './load-config.js'
import { ownEntry } from './own-entry.js'

const INHERITED = ['constructor', '__proto__', 'toString', 'hasOwnProperty'] as const

describe('config names inherited from Object.prototype are unknown names, never a route or a provider', () => {
  it('ownEntry finds own keys only', () => {
    const routes: Record<string, number> = { default: 1 }
    for (const name of INHERITED) expect(ownEntry(routes, name)).toBeUndefined()
    expect(ownEntry(routes, 'default')).toBe(1)
    expect(ownEntry(undefined, 'default')).toBeUndefined()
  })

  it.each(INHERITED)('a config naming the provider "%s" in a target is invalid_config', (name) => {
    const document = { providers: { local: { adapter: 'local' } }, routes: { default: { strategy: 'fallback', targets: [`${name}/warp`] } } }
    expect(() => validateConfig(document)).toThrow(expect.objectContaining({ kind: 'invalid_config', field: 'routes.default.targets[0]' }))
  })

  it.each(INHERITED)('motionRoutes pointing at "%s" is invalid_config', (name) => {
    const document = { providers: { local: { adapter: 'local' } }, routes: { default: { strategy: 'fallback', targets: ['local/warp'] } }, motionRoutes: { preset: name } }
    expect(() => validateConfig(document)).toThrow(expect.objectContaining({ kind: 'invalid_config', field: 'motionRoutes.preset' }))
  })
})
