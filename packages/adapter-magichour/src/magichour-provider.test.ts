import { PortraitAnimatorError, redact } from '@portrait-animator/core'
import { afterEach, describe, expect, it } from 'vitest'
import { createMagicHour, createProvider } from './magichour-provider.js'

const saved = process.env['MAGIC_HOUR_API_KEY']
afterEach(() => {
  if (saved === undefined) delete process.env['MAGIC_HOUR_API_KEY']
  else process.env['MAGIC_HOUR_API_KEY'] = saved
})

function configError(run: () => unknown): PortraitAnimatorError {
  try {
    run()
  } catch (error) {
    expect(PortraitAnimatorError.isInstance(error)).toBe(true)
    return error as PortraitAnimatorError
  }
  throw new Error('expected an error')
}

describe('createProvider (the router factory)', () => {
  it('offers the router model ids with their animators', () => {
    const provider = createProvider({ apiKey: 'mh_provider_key_123', baseUrl: 'http://127.0.0.1:9' })
    expect(provider.name).toBe('magichour')
    expect(provider.models).toEqual(['talking-photo', 'image-to-video'])
    expect(provider.unconfiguredReason).toBeUndefined()
    for (const modelId of provider.models) {
      const animator = provider.animator(modelId)
      expect(animator).toMatchObject({ specificationVersion: 'v1', provider: 'magichour', modelId })
      expect(animator.capabilities).toMatchObject({ outputs: ['video'], outputFormats: ['mp4'], jobs: true, cancel: true, offline: false, lifecycle: { status: 'active' } })
    }
    expect(provider.animator('talking-photo').capabilities.motions).toEqual(['audio'])
    expect(provider.animator('image-to-video').capabilities).toMatchObject({ motions: ['preset'], presets: expect.arrayContaining(['live-photo']) })
    expect(configError(() => provider.animator('lip-sync'))).toMatchObject({ kind: 'invalid_config' })
  })

  it('reads MAGIC_HOUR_API_KEY when no key is given, and says so when it is missing', () => {
    delete process.env['MAGIC_HOUR_API_KEY']
    expect(createProvider({}).unconfiguredReason).toBe('MAGIC_HOUR_API_KEY is not set')
    process.env['MAGIC_HOUR_API_KEY'] = 'mh_env_key_987654'
    expect(createProvider({}).unconfiguredReason).toBeUndefined()
    // The key is registered as a secret as soon as it is known.
    expect(redact('key mh_env_key_987654 leaked')).not.toContain('mh_env_key_987654')
  })

  it('validates its settings strictly', () => {
    expect(configError(() => createProvider({ apiKey: 'k', pollIntervalMs: -5 }))).toMatchObject({ kind: 'invalid_config', provider: 'magichour' })
    expect(configError(() => createProvider({ baseUrl: 'ftp://example.com' })).message).toContain('baseUrl')
    expect(configError(() => createMagicHour({ pollInterval: 500 } as never)).message).toContain('pollInterval')
  })
})
