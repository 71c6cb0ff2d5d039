import { PortraitAnimatorError } from '@portrait-animator/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createAilab, createProvider } from './ailab-provider.js'
import { makePng } from './ailab-test-media.test-helpers.js'
import { startTestServer } from './ailab-test-server.test-helpers.js'
import { newerSuccess } from './ailab-fixtures.test-helpers.js'
import { makeMp4Header } from './ailab-test-media.test-helpers.js'

afterEach(() => {
  vi.unstubAllEnvs()
})

describe('createProvider (for the router)', () => {
  it('offers the live-photo model, with the same animator the factory builds', () => {
    const provider = createProvider({ apiKey: 'ailab-router-key-01' })
    expect(provider.name).toBe('ailab')
    expect(provider.models).toEqual(['live-photo'])
    expect(provider.unconfiguredReason).toBeUndefined()
    const animator = provider.animator('live-photo')
    expect(animator).toMatchObject({ specificationVersion: 'v1', provider: 'ailab', modelId: 'live-photo' })
    expect(animator.capabilities).toEqual(createAilab({ apiKey: 'x-123456' }).livePhoto().capabilities)
  })

  it('says why it cannot be used when no key is set', () => {
    vi.stubEnv('AILAB_API_KEY', '')
    expect(createProvider({}).unconfiguredReason).toBe('AILAB_API_KEY is not set')
    vi.stubEnv('AILAB_API_KEY', 'ailab-env-key-000001')
    expect(createProvider({}).unconfiguredReason).toBeUndefined()
  })

  it('rejects unknown models and mistyped settings as invalid_config', () => {
    const provider = createProvider({ apiKey: 'ailab-router-key-01' })
    expect(() => provider.animator('live-portrait')).toThrow(expect.objectContaining({ kind: 'invalid_config' }))
    expect(() => createProvider({ timeoutMs: 'soon' })).toThrow(expect.objectContaining({ kind: 'invalid_config' }))
    expect(() => createProvider({ baseUrl: 'mailto:someone@example.com' })).toThrow(expect.objectContaining({ kind: 'invalid_config' }))
  })

  it('sends requests to the configured base URL with the configured key', async () => {
    const server = await startTestServer()
    try {
      server.reply({ status: 200, body: newerSuccess(Buffer.from(makeMp4Header({ width: 8, height: 8, durationSeconds: 1 })).toString('base64')) })
      const animator = createProvider({ apiKey: 'ailab-router-key-02', baseUrl: server.baseUrl }).animator('live-photo')
      const result = await animator.animate({ image: makePng(64, 64), motion: { type: 'preset', preset: 'live-photo' } })
      expect(result.output.kind).toBe('video')
      expect(server.requests.map((request) => [request.path, request.headers['ailabapi-api-key']])).toEqual([
        ['/api/portrait/effects/live-photo', 'ailab-router-key-02'],
      ])
    } finally {
      await server.close()
    }
  })

  it('registers the key as a secret, so it is scrubbed even from text AILab echoes back', () => {
    const key = 'ailab-secret-key-scrub-42'
    createProvider({ apiKey: key })
    const error = new PortraitAnimatorError({ kind: 'auth', message: `AILab said: key ${key} unknown` })
    expect(error.message).not.toContain(key)
  })
})
