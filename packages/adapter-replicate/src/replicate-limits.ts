import type { Capabilities, ImageFormat, MediaLimits, VideoFormat } from '@portrait-animator/core'

/** Provider name on errors, results and handles. */
export const PROVIDER = 'replicate'

/** The router's model id. */
export const MODEL_ID = 'live-portrait'

/** LivePortrait on Replicate (fofr's Cog packaging of KwaiVGI/LivePortrait). */
export const REPLICATE_MODEL = 'fofr/live-portrait'

/** The environment variable the API token is read from (the official client's own). */
export const API_KEY_VARIABLE = 'REPLICATE_API_TOKEN'

/** The official client's default base URL. */
export const DEFAULT_BASE_URL = 'https://api.replicate.com/v1'

/**
 * Combined bytes of inputs sent inline as data URIs: the official client refuses more
 * (`MAX_DATA_URI_SIZE` = 10,000,000 in replicate 1.4.0's `lib/util.js`). Larger inputs must be URLs.
 */
export const MAX_INLINE_BYTES = 10_000_000

const MIB = 1024 * 1024

/**
 * Portraits: the face is cropped and animated at 512 px (`live_portrait_dsize`), so 64 px a side is
 * the floor and 8192 x 8192 far more than the crop uses; 4:1 at most, as the crop is square.
 */
export const IMAGE_LIMITS: MediaLimits<ImageFormat> = { formats: ['jpeg', 'png', 'webp'], maxBytes: 8 * MIB, minWidth: 64, minHeight: 64, maxPixels: 8192 * 8192, maxAspectRatio: 4, acceptsUrl: true }

/** Driving videos (inline ones share the 10 MB data-URI budget with the portrait; URLs are passed on). */
export const VIDEO_LIMITS: MediaLimits<VideoFormat> = { formats: ['mp4', 'mov', 'webm'], maxBytes: 9 * MIB, minWidth: 64, minHeight: 64, maxPixels: 3840 * 2160, maxAspectRatio: 4, acceptsUrl: true }

/** What `replicate/live-portrait` does, as data. */
export const CAPABILITIES: Capabilities = {
  outputs: ['video'],
  outputFormats: ['mp4'],
  motions: ['driving-video', 'preset'],
  presets: ['live-photo'],
  framings: [],
  expressions: [],
  inputs: { image: IMAGE_LIMITS, video: VIDEO_LIMITS },
  jobs: true,
  cancel: true,
  webhooks: true,
  offline: false,
  lifecycle: { status: 'active' },
}
