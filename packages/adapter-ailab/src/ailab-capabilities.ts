import type { Capabilities, Lifecycle } from '@portrait-animator/core'

/**
 * Where Live Photos stands: AILabTools announced it as permanently discontinued. The announcement
 * carries no date on the page, so `since` is left out rather than guessed.
 */
export const AILAB_LIVE_PHOTO_LIFECYCLE: Lifecycle = {
  status: 'retired',
  note:
    'AILabTools announced that the Live Photos API is permanently discontinued and no longer available from the date of the announcement ' +
    '(contact: support@ailabtools.com). Calls succeed only against a private deployment or an AILab-compatible server.',
  replacements: ['fal/live-portrait', 'magichour/image-to-video', 'local/warp'],
}

/** AILab's image rules: JPEG/JPG/PNG/BMP, at most 5 MB, resolution below 4096x4096 px. */
export const AILAB_MAX_IMAGE_BYTES = 5 * 1024 * 1024
/** "Below 4096x4096": the largest accepted side is 4095 px. */
export const AILAB_MAX_IMAGE_SIDE = 4095

/**
 * What Live Photos can do: one preset (`live-photo`, a nod and a smile) in two framings, as an MP4,
 * synchronously. Read by the router before any call.
 */
export const AILAB_LIVE_PHOTO_CAPABILITIES: Capabilities = {
  outputs: ['video'],
  outputFormats: ['mp4'],
  motions: ['preset'],
  presets: ['live-photo'],
  framings: ['head', 'full-body'],
  expressions: [],
  jobs: false,
  cancel: false,
  webhooks: false,
  inputs: {
    image: {
      formats: ['jpeg', 'png', 'bmp'],
      maxBytes: AILAB_MAX_IMAGE_BYTES,
      maxWidth: AILAB_MAX_IMAGE_SIDE,
      maxHeight: AILAB_MAX_IMAGE_SIDE,
      acceptsUrl: false,
    },
  },
  offline: false,
  lifecycle: AILAB_LIVE_PHOTO_LIFECYCLE,
}
