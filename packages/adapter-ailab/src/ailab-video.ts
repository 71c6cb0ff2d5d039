import { PortraitAnimatorError, probeMedia } from '@portrait-animator/core'
import { AILAB_LIVE_PHOTO_MODEL, AILAB_PROVIDER } from './ailab-constants.js'

/** The video AILab returned, checked and measured. */
export interface AilabVideo {
  readonly bytes: Uint8Array
  readonly width?: number
  readonly height?: number
  readonly durationSeconds?: number
}

const BASE64 = /^[A-Za-z0-9+/\-_]*={0,2}$/
const DATA_URI_PREFIX = /^data:[\w.+-]+\/[\w.+-]+;base64,/i

/**
 * Decodes `data.video` (base64, optionally as a `data:` URI) and checks from the bytes that it
 * really is an MP4, so a broken or foreign payload fails here instead of in the user's player.
 *
 * @throws PortraitAnimatorError `provider_error` (with `accepted: true`: AILab answered with success
 *   and bills it) when the payload is missing, not base64, not an MP4, or cut short.
 */
export function decodeAilabVideo(video: string | undefined, requestId: string | undefined): AilabVideo {
  if (video === undefined || video.trim() === '') throw badVideo('the success response has no data.video', requestId)
  const compact = video.replace(DATA_URI_PREFIX, '').replace(/\s+/g, '')
  if (!BASE64.test(compact)) {
    // A URL here would be a body asking us to fetch from an unknown host: never followed.
    throw badVideo(/^https?:/i.test(compact) ? 'data.video is a URL, not base64' : 'data.video is not base64', requestId)
  }
  const bytes = new Uint8Array(Buffer.from(compact, 'base64'))
  const probe = probeMedia(bytes)
  if (probe.format !== 'mp4') {
    throw badVideo(`data.video decodes to ${bytes.byteLength} bytes that are ${probe.format ? `${probe.format.toUpperCase()}, not MP4` : 'not a video'}`, requestId)
  }
  if (probe.truncated) throw badVideo('data.video is an MP4 cut short', requestId)
  return {
    bytes,
    ...(probe.width === undefined ? {} : { width: probe.width }),
    ...(probe.height === undefined ? {} : { height: probe.height }),
    ...(probe.durationSeconds === undefined ? {} : { durationSeconds: probe.durationSeconds }),
  }
}

function badVideo(problem: string, requestId: string | undefined): PortraitAnimatorError {
  return new PortraitAnimatorError({
    kind: 'provider_error',
    message: `AILabTools Live Photos answered with success but ${problem}${requestId ? ` (request ${requestId})` : ''}.`,
    provider: AILAB_PROVIDER,
    modelId: AILAB_LIVE_PHOTO_MODEL,
    statusCode: 200,
    accepted: true,
    retryable: false,
    ...(requestId ? { requestId } : {}),
  })
}
