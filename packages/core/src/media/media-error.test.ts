import { describe, expect, it } from 'vitest'
import { PortraitAnimatorError } from '../errors/index.js'
import { formatBytes, mediaError } from './media-error.js'

describe('mediaError', () => {
  it('builds an invalid_input error naming field, rule, limit and actual', () => {
    const error = mediaError({ field: 'motion.audio', rule: 'max-duration', limit: 60, actual: 75, limitText: '60 s', actualText: '75 s', problem: 'the audio lasts 75 s, longer than the limit of 60 s' })
    expect(PortraitAnimatorError.isInstance(error)).toBe(true)
    expect(error).toMatchObject({ kind: 'invalid_input', retryable: false, field: 'motion.audio', rule: 'max-duration', limit: 60, actual: 75 })
    expect(error.message).toBe('Invalid motion.audio: the audio lasts 75 s, longer than the limit of 60 s. Rule: max-duration; limit: 60 s; actual: 75 s.')
  })
})

describe('formatBytes', () => {
  it.each([
    [0, '0 bytes'],
    [1023, '1023 bytes'],
    [1536, '1.5 KB'],
    [5 * 1024 * 1024, '5 MB'],
    [209_715_200, '200 MB'],
    [3 * 1024 ** 3, '3 GB'],
  ])('%d bytes is %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text)
  })
})
