import { PortraitAnimatorError } from '@portrait-animator/core'
import { describe, expect, it } from 'vitest'
import { ailabFailureFor } from './ailab-error-for.js'

const UPSTREAM = 'No target could serve the request on route "default". fal/live-portrait: invalid_input (fal said: image_url http://10.0.0.7/x.png is 9000 px wide)'

describe('ailabFailureFor', () => {
  it.each([
    [{ kind: 'no_face' }, 422, 'ERROR_NO_FACE_IN_FILE', 'face'],
    [{ kind: 'rate_limited' }, 503, 'AI_SERVICE_FLOW_RESTRICTION', 'Try again later'],
    [{ kind: 'unavailable' }, 500, 'AI_SERVICE_ERROR', 'Try again later'],
    [{ kind: 'timeout' }, 504, 'AI_SERVICE_TIMEOUT', 'Try again later'],
    [{ kind: 'invalid_input', rule: 'max-bytes', limit: 5242880, actual: 7340032 }, 413, 'FILE_SIZE_EXCEEDS_LIMIT', 'too large (limit 5242880, got 7340032)'],
    [{ kind: 'invalid_input', rule: 'max-width', limit: 4095, actual: 9000 }, 422, 'FILE_RESOLUTION_EXCEEDS_LIMITS', 'max-width rule (limit 4095, got 9000)'],
    [{ kind: 'invalid_input', rule: 'format' }, 415, 'UNSUPPORTED_FILE_TYPES', 'JPEG, PNG or BMP'],
    [{ kind: 'invalid_input' }, 400, 'ERROR_INVALID_PARAMETER', 'Check image_target'],
  ] as const)('%o is %i %s, and its message names no upstream target', (options, status, code, says) => {
    const failure = ailabFailureFor(new PortraitAnimatorError({ ...options, message: UPSTREAM }))
    expect(failure).toMatchObject({ status, code })
    expect(failure.message).toContain(says)
    for (const leak of ['fal', 'route', '10.0.0.7', 'image_url']) expect(failure.message).not.toContain(leak)
  })

  it('keeps the server\'s own message about image_target: it speaks only of the upload', () => {
    const error = new PortraitAnimatorError({ kind: 'invalid_input', field: 'image_target', rule: 'max-bytes', limit: 5, actual: 7, message: 'image_target is 7 bytes; at most 5.' })
    expect(ailabFailureFor(error).message).toBe('image_target is 7 bytes; at most 5.')
  })

  it('says nothing of an error that is not a PortraitAnimatorError', () => {
    expect(ailabFailureFor(new Error('ECONNREFUSED 10.0.0.7:9000'))).toEqual({ status: 500, code: 'SERVICE_INTERNAL_ERROR', codeMessage: 'Internal service error.', message: 'Try again later.' })
  })
})
