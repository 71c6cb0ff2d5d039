import { describe, expect, it } from 'vitest'
import { PortraitAnimatorError } from '../errors/index.js'
import type { MediaLimits } from '../spec/index.js'
import { checkMediaLimits } from './check-media-limits.js'
import type { LoadedMedia } from './loaded-media.js'

function media(overrides: Partial<LoadedMedia>): LoadedMedia {
  return { bytes: new Uint8Array(1000), format: 'jpeg', mimeType: 'image/jpeg', role: 'image', width: 1024, height: 768, source: 'bytes', fileName: 'image.jpg', sha256: '0'.repeat(64), ...overrides }
}

/** AILabTools-like image limits: JPEG/PNG/BMP, at most 5 MB, below 4096x4096. */
const ailabImage: MediaLimits = { formats: ['jpeg', 'png', 'bmp'], maxBytes: 5 * 1024 * 1024, maxWidth: 4095, maxHeight: 4095, minWidth: 64, minHeight: 64 }
const speech: MediaLimits = { formats: ['wav', 'mp3', 'm4a'], maxBytes: 10_000_000, maxDurationSeconds: 60 }
const drivingVideo: MediaLimits = { formats: ['mp4', 'mov', 'webm'], maxWidth: 1920, maxHeight: 1920, maxDurationSeconds: 30, maxPixels: 1920 * 1080 }

function thrown(run: () => void): PortraitAnimatorError {
  try {
    run()
  } catch (error) {
    expect(PortraitAnimatorError.isInstance(error)).toBe(true)
    return error as PortraitAnimatorError
  }
  throw new Error('expected checkMediaLimits to throw')
}

describe('checkMediaLimits', () => {
  it.each([
    ['a WebP where only JPEG/PNG/BMP go', media({ format: 'webp' }), ailabImage, 'image', 'format', 'jpeg, png, bmp', 'webp'],
    ['a 6 MB JPEG over 5 MB', media({ bytes: new Uint8Array(6 * 1024 * 1024) }), ailabImage, 'image', 'max-bytes', 5 * 1024 * 1024, 6 * 1024 * 1024],
    ['a 4096 px wide image', media({ width: 4096 }), ailabImage, 'image', 'max-width', 4095, 4096],
    ['a 5000 px tall image', media({ height: 5000 }), ailabImage, 'image', 'max-height', 4095, 5000],
    ['a 32 px wide image', media({ width: 32 }), ailabImage, 'image', 'min-width', 64, 32],
    ['a 10 px tall image', media({ height: 10 }), ailabImage, 'image', 'min-height', 64, 10],
    ['a 60000x60000 header', media({ width: 60_000, height: 60_000 }), ailabImage, 'image', 'max-width', 4095, 60_000],
    ['a 61 s clip over 60 s', media({ format: 'wav', role: 'audio', width: undefined, height: undefined, durationSeconds: 61.234 }), speech, 'motion.audio', 'max-duration', 60, 61.23],
    ['FLAC where it is not accepted', media({ format: 'flac', role: 'audio', durationSeconds: 3 }), speech, 'motion.audio', 'format', 'wav, mp3, m4a', 'flac'],
    ['a 1920x1920 video over 1920x1080 pixels', media({ format: 'mp4', role: 'video', width: 1920, height: 1920, durationSeconds: 4 }), drivingVideo, 'motion.video', 'max-pixels', 1920 * 1080, 1920 * 1920],
    ['a 45 s driving video', media({ format: 'mp4', role: 'video', width: 512, height: 512, durationSeconds: 45 }), drivingVideo, 'motion.video', 'max-duration', 30, 45],
    ['a 10000x500 strip over 4:1', media({ width: 10_000, height: 500 }), { formats: ['jpeg'], maxAspectRatio: 4 }, 'image', 'max-aspect-ratio', 4, 20],
    ['a 500x2100 strip over 4:1 (portrait orientation)', media({ width: 500, height: 2100 }), { formats: ['jpeg'], maxAspectRatio: 4 }, 'image', 'max-aspect-ratio', 4, 4.2],
    ['audio for a target that takes none', media({ format: 'mp3', role: 'audio', durationSeconds: 3 }), undefined, 'motion.audio', 'format', 'none', 'mp3'],
  ] as const)('rejects %s', (_name, input, limits, field, rule, limit, actual) => {
    const error = thrown(() => checkMediaLimits(input, limits, field))
    expect(error).toMatchObject({ kind: 'invalid_input', field, rule, limit, actual })
    expect(error.message).toContain(`Invalid ${field}:`)
    expect(error.message).toContain(`Rule: ${rule};`)
  })

  it('says the sizes in words', () => {
    const error = thrown(() => checkMediaLimits(media({ bytes: new Uint8Array(6 * 1024 * 1024) }), ailabImage, 'image'))
    expect(error.message).toBe('Invalid image: the file is 6 MB, over the limit of 5 MB. Rule: max-bytes; limit: 5 MB; actual: 6 MB.')
    const wide = thrown(() => checkMediaLimits(media({ width: 4096 }), ailabImage, 'image'))
    expect(wide.message).toBe('Invalid image: the image is 4096x768 px: wider than the largest accepted width of 4095 px. Rule: max-width; limit: 4095 px at most; actual: 4096 px.')
  })

  it('accepts media inside every limit, including exactly at them', () => {
    expect(() => checkMediaLimits(media({}), ailabImage, 'image')).not.toThrow()
    expect(() => checkMediaLimits(media({ width: 4095, height: 64, bytes: new Uint8Array(5 * 1024 * 1024) }), ailabImage, 'image')).not.toThrow()
    expect(() => checkMediaLimits(media({ format: 'mp3', role: 'audio', durationSeconds: 60 }), speech, 'motion.audio')).not.toThrow()
    expect(() => checkMediaLimits(media({ width: 2000, height: 500 }), { formats: ['jpeg'], maxAspectRatio: 4 }, 'image')).not.toThrow()
  })

  it('skips checks the media cannot answer (a video without a declared size or duration)', () => {
    expect(() => checkMediaLimits(media({ format: 'webm', role: 'video', width: undefined, height: undefined }), drivingVideo, 'motion.video')).not.toThrow()
  })
})
