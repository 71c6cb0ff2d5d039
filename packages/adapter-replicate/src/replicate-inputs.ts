import {
  PortraitAnimatorError,
  assertPublicUrl,
  checkMediaLimits,
  isRemoteUrl,
  loadMedia,
  type AnimationRequest,
  type MediaInput,
  type MediaLimits,
  type Warning,
} from '@portrait-animator/core'
import { readDrivingClip } from './replicate-driving-clip.js'
import { IMAGE_LIMITS, MAX_INLINE_BYTES, MODEL_ID, PROVIDER, VIDEO_LIMITS } from './replicate-limits.js'
import type { ResolvedSettings } from './replicate-settings.js'

/** The model inputs of one prediction, and what the request lost on the way. */
export interface PreparedInput {
  readonly input: { readonly face_image: string; readonly driving_video: string; readonly video_frame_load_cap: 0 }
  readonly warnings: readonly Warning[]
}

interface Prepared {
  readonly value: string
  /** Bytes sent inline (0 for a URL). */
  readonly inlineBytes: number
}

/**
 * `video_frame_load_cap: 0`: the model reads every driving frame. Its default reads at most 128
 * (about 5 s at 25 fps) and cuts a longer driving video's motion short, where fal/live-portrait,
 * its fallback, plays it whole.
 */
const ALL_FRAMES = 0

const dataUri = (bytes: Uint8Array, mimeType: string): string => `data:${mimeType};base64,${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}`

/**
 * An `http(s)` URL is checked (public host) and passed to Replicate, which fetches it; anything
 * else is read, its real format checked against the limits, and sent inline as a data URI
 * (Replicate takes both for file inputs; inline needs no second API and no file to delete later).
 */
async function prepare(input: MediaInput, field: string, role: 'image' | 'video', limits: MediaLimits, settings: ResolvedSettings, signal: AbortSignal): Promise<Prepared> {
  if (isRemoteUrl(input)) {
    const url = await assertPublicUrl(typeof input === 'string' ? input.trim() : (input as URL), { field, allowPrivateNetwork: settings.allowPrivateNetwork })
    return { value: url.href, inlineBytes: 0 }
  }
  const media = await loadMedia(input, {
    field,
    expect: role,
    signal,
    allowPrivateNetwork: settings.allowPrivateNetwork,
    ...(limits.maxBytes === undefined ? {} : { maxBytes: limits.maxBytes }),
    ...(limits.maxPixels === undefined ? {} : { maxPixels: limits.maxPixels }),
    ...(settings.fetch === undefined ? {} : { fetch: settings.fetch }),
  })
  checkMediaLimits(media, limits, field)
  return { value: dataUri(media.bytes, media.mimeType), inlineBytes: media.bytes.byteLength }
}

/**
 * Builds `face_image`, `driving_video` and `video_frame_load_cap` (all frames) from the request: a driving video as given, or for the
 * `live-photo` preset the bundled clip (or `drivingVideoUrl`) with a `translated` warning.
 *
 * @throws PortraitAnimatorError `unsupported` for other motions, `invalid_input` for media out of limits.
 */
export async function prepareInput(request: AnimationRequest, settings: ResolvedSettings, signal: AbortSignal): Promise<PreparedInput> {
  const motion = request.motion
  const warnings: Warning[] = []
  let video: Prepared
  if (motion?.type === 'driving-video') {
    video = await prepare(motion.video, 'motion.video', 'video', VIDEO_LIMITS, settings, signal)
  } else if (motion?.type === 'preset' && motion.preset === 'live-photo') {
    const clip = settings.drivingVideoUrl === undefined ? await readDrivingClip() : undefined
    video = clip === undefined ? { value: settings.drivingVideoUrl ?? '', inlineBytes: 0 } : { value: dataUri(clip, 'video/mp4'), inlineBytes: clip.byteLength }
    warnings.push({
      type: 'translated',
      setting: 'motion.preset',
      message: 'replicate/live-portrait has no presets: live-photo was served by driving the portrait with a clip of a gentle nod, smile and blink.',
      provider: PROVIDER,
    })
  } else {
    const what = motion?.type === 'preset' ? `the "${motion.preset}" preset` : `motion "${motion?.type ?? 'none'}"`
    throw new PortraitAnimatorError({ kind: 'unsupported', message: `replicate/live-portrait takes a driving video or the live-photo preset, not ${what}.`, provider: PROVIDER, modelId: MODEL_ID, field: 'motion', accepted: false })
  }
  const image = await prepare(request.image, 'image', 'image', IMAGE_LIMITS, settings, signal)
  const inline = image.inlineBytes + video.inlineBytes
  if (inline > MAX_INLINE_BYTES) {
    throw new PortraitAnimatorError({
      kind: 'invalid_input',
      message: `The portrait and driving video together are ${inline} bytes; Replicate's client sends at most ${MAX_INLINE_BYTES} bytes inline. Pass one of them as an https URL.`,
      provider: PROVIDER,
      modelId: MODEL_ID,
      field: 'motion.video',
      rule: 'maxBytes',
      limit: MAX_INLINE_BYTES,
      actual: inline,
      accepted: false,
    })
  }
  return { input: { face_image: image.value, driving_video: video.value, video_frame_load_cap: ALL_FRAMES }, warnings }
}
