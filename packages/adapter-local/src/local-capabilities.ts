import type { Capabilities } from '@portrait-animator/core'

/** Largest output side the renderer accepts. */
export const MAX_OUTPUT_SIDE = 2048

/** What the offline mesh-warp animator can do. */
export const LOCAL_WARP_CAPABILITIES: Capabilities = {
  outputs: ['video', 'image'],
  outputFormats: ['mp4', 'webp', 'jpeg', 'png'],
  motions: ['preset', 'expression'],
  presets: ['live-photo', 'nod', 'smile', 'blink', 'idle'],
  framings: ['head', 'full-body'],
  expressions: ['smile', 'blink', 'wink', 'eyebrow', 'pupilX', 'pupilY', 'pitch', 'yaw', 'roll'],
  jobs: false,
  cancel: false,
  webhooks: false,
  inputs: {
    image: {
      formats: ['jpeg', 'png', 'webp', 'gif'],
      maxBytes: 50 * 1024 * 1024,
      maxWidth: 8192,
      maxHeight: 8192,
      // 64 px: the face landmark model needs at least that to find a face; 8192 x 8192 and 4:1 are
      // the renderer's own bounds (its output is at most 2048 px a side, MAX_OUTPUT_SIDE).
      minWidth: 64,
      minHeight: 64,
      maxPixels: 8192 * 8192,
      maxAspectRatio: 4,
      acceptsUrl: false,
    },
  },
  offline: true,
  lifecycle: { status: 'active' },
}
