import { describe, expect, it } from 'vitest'
import { validateCallOptions } from './validate-call-options.js'
import { validateRequest } from './validate-request.js'

describe('validateRequest', () => {
  it.each([
    ['a preset with a framing', { image: 'me.jpg', motion: { type: 'preset', preset: 'nod', framing: 'full-body' } }],
    ['every expression control at once', { image: new Uint8Array(4), motion: { type: 'expression', smile: 1, blink: -1, wink: 0.5, eyebrow: 0, pupilX: 0.1, pupilY: -0.1, aaa: 0, eee: 0, woo: 0, pitch: 10, yaw: -20, roll: 5 } }],
    ['a neutral expression', { image: new URL('https://example.com/me.jpg'), motion: { type: 'expression' } }],
    ['audio with a clip', { image: new Blob([]), motion: { type: 'audio', audio: 'hello.wav', startSeconds: 0, endSeconds: 4.5 } }],
    ['a driving video', { image: 'me.jpg', motion: { type: 'driving-video', video: 'clip.mp4' } }],
    ['every optional field', { image: 'me.jpg', motion: { type: 'preset', preset: 'live-photo' }, output: { kind: 'video', format: 'webp', maxSide: 512 }, strict: true, providerOptions: { fal: { dsize: 512 } }, context: { userId: 'u-42' } }],
  ])('accepts %s', (_name, request) => {
    expect(() => validateRequest(request)).not.toThrow()
  })

  it('stamps the provider and model when an adapter validates its own call, and says accepted: false', () => {
    expect(() => validateRequest({ image: 'me.jpg', motion: { type: 'expression', smiel: 0.5 } }, { provider: 'fal', modelId: 'live-portrait-image' })).toThrow(
      expect.objectContaining({
        kind: 'invalid_input',
        provider: 'fal',
        modelId: 'live-portrait-image',
        field: 'motion.smiel',
        rule: 'unknown-control',
        actual: '"smiel"',
        accepted: false,
        message: expect.stringContaining('Invalid motion.smiel: "smiel" is not an expression control'),
      }),
    )
  })
})

describe('validateCallOptions', () => {
  it('accepts no options, and every well-formed option', () => {
    expect(() => validateCallOptions(undefined)).not.toThrow()
    expect(() => validateCallOptions({ timeoutMs: 0.5, signal: new AbortController().signal, onProgress: () => undefined, onJobStarted: async () => undefined })).not.toThrow()
  })

  it.each([[0], [-1], [Number.NaN], [Number.POSITIVE_INFINITY], ['1000'], [null]])('refuses timeoutMs %s as invalid_input, not a RangeError', (timeoutMs) => {
    expect(() => validateCallOptions({ timeoutMs })).toThrow(expect.objectContaining({ kind: 'invalid_input', field: 'timeoutMs', rule: 'range' }))
  })

  it('refuses a callback that is not a function', () => {
    expect(() => validateCallOptions({ onProgress: 'log' })).toThrow(expect.objectContaining({ kind: 'invalid_input', field: 'onProgress', rule: 'type' }))
  })
})
