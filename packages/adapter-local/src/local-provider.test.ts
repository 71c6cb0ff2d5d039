import { describe, expect, it } from 'vitest'
import { createProvider } from './local-provider.js'

describe('createProvider (router entry point)', () => {
  it('offers one always-configured offline model', () => {
    const provider = createProvider({})
    expect(provider).toMatchObject({ name: 'local', models: ['warp'] })
    expect(provider.unconfiguredReason).toBeUndefined()
    const animator = provider.animator('warp')
    expect(animator).toMatchObject({ provider: 'local', modelId: 'warp' })
    expect(animator.capabilities.offline).toBe(true)
    expect(provider.animator('warp')).toBe(animator)
  })

  it('rejects unknown settings and models as invalid_config', () => {
    expect(() => createProvider({ maxside: 256 })).toThrow(expect.objectContaining({ kind: 'invalid_config' }))
    expect(() => createProvider({}).animator('wrap')).toThrow(expect.objectContaining({ kind: 'invalid_config' }))
    expect(() => createProvider({ maxSide: 8 })).toThrow(expect.objectContaining({ kind: 'invalid_config' }))
  })
})
