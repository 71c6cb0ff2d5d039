import type { AudioFormat, Capabilities, ImageFormat, MediaLimits, VideoFormat } from '@portrait-animator/core'

const MIB = 1024 * 1024

/**
 * Portraits fal's face models take. fal publishes no size limit for these endpoints; the byte cap
 * is this adapter's own guard against uploading something absurd.
 */
export const FAL_IMAGE_LIMITS: MediaLimits<ImageFormat> = { formats: ['jpeg', 'png', 'webp'], maxBytes: 20 * MIB, acceptsUrl: true }

/** Driving videos for `fal-ai/live-portrait` (byte cap: this adapter's guard). */
export const FAL_VIDEO_LIMITS: MediaLimits<VideoFormat> = { formats: ['mp4', 'mov', 'webm'], maxBytes: 100 * MIB, acceptsUrl: true }

/** Speech for `fal-ai/sadtalker` (byte cap: this adapter's guard). */
export const FAL_AUDIO_LIMITS: MediaLimits<AudioFormat> = { formats: ['wav', 'mp3', 'm4a', 'aac', 'ogg', 'flac'], maxBytes: 50 * MIB, acceptsUrl: true }

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
