import { PortraitAnimatorError } from '@portrait-animator/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createFal, createProvider } from './index.js'
import { resolveFalKey } from './fal-settings.js'

afterEach(() => {
  vi.unstubAllEnvs()
})

describe('createFal and createProvider', () => {
  it('offers the five models with capabilities the router can read', () => {
    const provider = createProvider({ apiKey: 'fal-provider-key-1' })
    expect(provider.name).toBe('fal')
    expect(provider.models).toEqual(['live-portrait', 'live-portrait-image', 'sadtalker', 'kling-avatar-v2-standard', 'omnihuman-v1-5'])
    expect(provider.unconfiguredReason).toBeUndefined()
    const [video, still, talk, kling, omni] = provider.models.map((model) => provider.animator(model))
    for (const avatar of [kling, omni]) {
      expect(avatar?.capabilities).toMatchObject({ motions: ['audio'], outputs: ['video'], outputFormats: ['mp4'], inputs: { audio: { formats: ['wav', 'mp3', 'm4a', 'aac', 'ogg'] } } })
    }
    expect(omni?.capabilities.inputs.audio?.maxDurationSeconds).toBe(60)
    expect(video).toMatchObject({ provider: 'fal', modelId: 'live-portrait', capabilities: { motions: ['driving-video', 'preset'], presets: ['live-photo'], outputs: ['video'], jobs: true, cancel: true } })
    expect(still?.capabilities).toMatchObject({ motions: ['expression'], outputs: ['image'], outputFormats: ['jpeg', 'png'] })
    expect(still?.capabilities.expressions).toHaveLength(12)
    expect(talk?.capabilities).toMatchObject({ motions: ['audio'], inputs: { audio: { acceptsUrl: true } } })
    expect(video?.estimateCost?.({ image: 'x', motion: { type: 'preset', preset: 'live-photo' } })).toBeUndefined()
    expect(() => provider.animator('flux')).toThrow(expect.objectContaining({ kind: 'invalid_config' }))
  })

  it('reads the key from FAL_KEY, or FAL_KEY_ID and FAL_KEY_SECRET', () => {
    expect(resolveFalKey(undefined, { FAL_KEY: 'k-123456' })).toBe('k-123456')
    expect(resolveFalKey(undefined, { FAL_KEY_ID: 'id-123', FAL_KEY_SECRET: 'secret-456' })).toBe('id-123:secret-456')
    expect(resolveFalKey('given-key', { FAL_KEY: 'k-123456' })).toBe('given-key')
    expect(resolveFalKey(undefined, { FAL_KEY_ID: 'id-only' })).toBeUndefined()
    vi.stubEnv('FAL_KEY', '')
    vi.stubEnv('FAL_KEY_ID', '')
    expect(createProvider({}).unconfiguredReason).toBe('FAL_KEY is not set')
  })

  it('rejects bad settings with invalid_config', () => {
    expect(() => createFal({ pollIntervalMs: 100 })).toThrow(expect.objectContaining({ kind: 'invalid_config', field: 'pollIntervalMs' }))
    expect(() => createFal({ baseUrl: 'ftp://example.com' })).toThrow(PortraitAnimatorError)
    expect(() => createProvider({ statusMode: 'sometimes' })).toThrow(expect.objectContaining({ kind: 'invalid_config', field: 'statusMode' }))
  })

  it('registers the key as a secret', () => {
    createFal({ apiKey: 'fal-registered-secret-789' })
    expect(new PortraitAnimatorError({ kind: 'auth', message: 'bad fal-registered-secret-789' }).message).not.toContain('fal-registered-secret-789')
  })
})
