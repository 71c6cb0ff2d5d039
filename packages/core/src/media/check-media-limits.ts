import type { MediaLimits } from '../spec/index.js'
import type { LoadedMedia } from './loaded-media.js'
import { formatBytes, mediaError } from './media-error.js'

/**
 * Checks loaded media against a target's limits for its role, before any network call. Checks run
 * in a fixed order (format, bytes, pixels, width, height, aspect ratio, duration) and the first broken rule
 * throws. `undefined` limits mean the target does not accept this role at all.
 *
 * @throws PortraitAnimatorError `invalid_input` with rule `format`, `max-bytes`, `max-pixels`,
 *   `max-width`, `max-height`, `min-width`, `min-height`, `max-aspect-ratio` or `max-duration`.
 * @example
 * ```ts
 * const image = await loadMedia(request.image, { field: 'image', expect: 'image' })
 * checkMediaLimits(image, animator.capabilities.inputs.image, 'image')
 * ```
 */
export function checkMediaLimits(media: LoadedMedia, limits: MediaLimits | undefined, field: string): void {
  if (limits === undefined) {
    throw mediaError({
      field,
      rule: 'format',
      limit: 'none',
      actual: media.format,
      limitText: `no ${media.role} accepted`,
      problem: `this target does not accept ${media.role} input at all`,
    })
  }
  if (!limits.formats.includes(media.format)) {
    const allowed = limits.formats.join(', ')
    throw mediaError({
      field,
      rule: 'format',
      limit: allowed,
      actual: media.format,
      limitText: allowed === '' ? 'no formats' : allowed,
      problem: `${media.format.toUpperCase()} is not accepted here (accepted: ${allowed === '' ? 'none' : allowed})`,
    })
  }
  const size = media.bytes.byteLength
  if (limits.maxBytes !== undefined && size > limits.maxBytes) {
    throw mediaError({
      field,
      rule: 'max-bytes',
      limit: limits.maxBytes,
      actual: size,
      limitText: formatBytes(limits.maxBytes),
      actualText: formatBytes(size),
      problem: `the file is ${formatBytes(size)}, over the limit of ${formatBytes(limits.maxBytes)}`,
    })
  }
  checkDimensions(media, limits, field)
  const duration = media.durationSeconds
  if (limits.maxDurationSeconds !== undefined && duration !== undefined && duration > limits.maxDurationSeconds) {
    throw mediaError({
      field,
      rule: 'max-duration',
      limit: limits.maxDurationSeconds,
      actual: round(duration),
      limitText: `${limits.maxDurationSeconds} s`,
      actualText: `${round(duration)} s`,
      problem: `the ${media.role} lasts ${round(duration)} s, longer than the limit of ${limits.maxDurationSeconds} s`,
    })
  }
}

function checkDimensions(media: LoadedMedia, limits: MediaLimits, field: string): void {
  const { width, height } = media
  if (width === undefined || height === undefined) return
  const size = `${width}x${height} px`
  if (limits.maxPixels !== undefined && width * height > limits.maxPixels) {
    throw mediaError({
      field,
      rule: 'max-pixels',
      limit: limits.maxPixels,
      actual: width * height,
      limitText: `${limits.maxPixels} pixels`,
      actualText: `${width * height} pixels (${size})`,
      problem: `the ${media.role} is ${size}, more pixels than the limit of ${limits.maxPixels}`,
    })
  }
  const checks = [
    ['max-width', 'width', width, limits.maxWidth, 'wider'],
    ['max-height', 'height', height, limits.maxHeight, 'taller'],
    ['min-width', 'width', width, limits.minWidth, 'narrower'],
    ['min-height', 'height', height, limits.minHeight, 'shorter'],
  ] as const
  for (const [rule, dimension, actual, limit, comparison] of checks) {
    if (limit === undefined) continue
    const broken = rule.startsWith('max') ? actual > limit : actual < limit
    if (!broken) continue
    throw mediaError({
      field,
      rule,
      limit,
      actual,
      limitText: `${limit} px ${rule.startsWith('max') ? 'at most' : 'at least'}`,
      actualText: `${actual} px`,
      problem: `the ${media.role} is ${size}: ${comparison} than the ${rule.startsWith('max') ? 'largest' : 'smallest'} accepted ${dimension} of ${limit} px`,
    })
  }
  const ratio = Math.max(width, height) / Math.min(width, height)
  if (limits.maxAspectRatio !== undefined && ratio > limits.maxAspectRatio) {
    throw mediaError({
      field,
      rule: 'max-aspect-ratio',
      limit: limits.maxAspectRatio,
      actual: round(ratio),
      limitText: `${limits.maxAspectRatio}:1`,
      actualText: `${round(ratio)}:1 (${size})`,
      problem: `the ${media.role} is ${size}, a strip of ${round(ratio)}:1, more elongated than the limit of ${limits.maxAspectRatio}:1`,
    })
  }
}

function round(seconds: number): number {
  return Math.round(seconds * 100) / 100
}
