import type { AudioFormat, Capabilities, ImageFormat, MediaLimits, VideoFormat } from '@portrait-animator/core'

const MIB = 1024 * 1024

/**
 * The image geometry fal's face models can use. fal publishes no limits for these endpoints
 * (providers.md §2), so they come from the models:
 * - at least 64 px a side: LivePortrait and SadTalker find the face with a detector and animate a
 *   256 px crop around it (`face_model_resolution` 256|512, providers.md §2.5); a side under 64 px
 *   cannot hold a face the crop can be made from, and fal may still bill the failed job (a 422 with
 *   GPU time, providers.md §2.3);
 * - at most 8192 x 8192 pixels: LivePortrait shrinks the source to 1280 px on its longest side
 *   (`source_max_dim` in KwaiVGI/LivePortrait's argument config), so more only costs upload time and
 *   our own decode; 8192 x 8192 still takes a 48 MP phone photo as it is;
 * - at most 4:1 either way: the face crop is square (2.3x the face box), so a strip cannot hold it.
 */
const FAL_PORTRAIT_GEOMETRY = { minWidth: 64, minHeight: 64, maxPixels: 8192 * 8192, maxAspectRatio: 4 } as const

/** Portraits fal's face models take; the byte cap is this adapter's own guard against uploading something absurd. */
export const FAL_IMAGE_LIMITS: MediaLimits<ImageFormat> = { formats: ['jpeg', 'png', 'webp'], maxBytes: 20 * MIB, ...FAL_PORTRAIT_GEOMETRY, acceptsUrl: true }

/**
 * Driving videos for `fal-ai/live-portrait` (byte cap: this adapter's guard). Each frame's face is
 * cropped like the portrait's, so the same 64 px floor and 4:1 ratio apply; 3840 x 2160 (4K UHD)
 * bounds the frame size, far above the 256 px crop the motion is read from.
 */
export const FAL_VIDEO_LIMITS: MediaLimits<VideoFormat> = { formats: ['mp4', 'mov', 'webm'], maxBytes: 100 * MIB, minWidth: 64, minHeight: 64, maxPixels: 3840 * 2160, maxAspectRatio: 4, acceptsUrl: true }

/** Speech for `fal-ai/sadtalker` (byte cap: this adapter's guard). */
export const FAL_AUDIO_LIMITS: MediaLimits<AudioFormat> = { formats: ['wav', 'mp3', 'm4a', 'aac', 'ogg', 'flac'], maxBytes: 50 * MIB, acceptsUrl: true }

/**
 * Portraits for fal's talking-avatar endpoints: their pages accept jpg, png, webp, gif and avif
 * (avif is not a format this project detects); the same geometry and byte guard as above.
 */
export const FAL_AVATAR_IMAGE_LIMITS: MediaLimits<ImageFormat> = { ...FAL_IMAGE_LIMITS, formats: ['jpeg', 'png', 'webp', 'gif'] }

/** Speech for fal's talking-avatar endpoints: their pages accept mp3, ogg, wav, m4a and aac. */
export const FAL_AVATAR_AUDIO_LIMITS: MediaLimits<AudioFormat> = { formats: ['wav', 'mp3', 'm4a', 'aac', 'ogg'], maxBytes: 50 * MIB, acceptsUrl: true }

/** What every fal queue model shares: remote jobs that can be cancelled and can call a webhook. */
export function falCapabilities(specific: Pick<Capabilities, 'outputs' | 'outputFormats' | 'motions' | 'inputs'> & Partial<Capabilities>): Capabilities {
  return {
    presets: [],
    framings: [],
    expressions: [],
    jobs: true,
    cancel: true,
    webhooks: true,
    offline: false,
    lifecycle: { status: 'active' },
    ...specific,
  }
}
