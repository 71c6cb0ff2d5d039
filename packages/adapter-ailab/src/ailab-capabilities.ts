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
 * The smallest side: AILab documents no number, only `ERROR_LOW_RESOLUTION` and
 * `ERROR_SMALL_FACE_SIZE` (providers.md §1.3); 64 px is the floor below which no face detector
 * finds a face, the same floor every target uses.
 */
export const AILAB_MIN_IMAGE_SIDE = 64
/**
 * Longest side over shortest: AILab documents none, but answers `ERROR_FACE_SIZE_RATIO_NOT_MET`
 * (providers.md §1.3) when the face is too small for the frame; 4:1 is the same cap every target uses.
 */
export const AILAB_MAX_ASPECT_RATIO = 4

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
      maxPixels: AILAB_MAX_IMAGE_SIDE * AILAB_MAX_IMAGE_SIDE,
      minWidth: AILAB_MIN_IMAGE_SIDE,
      minHeight: AILAB_MIN_IMAGE_SIDE,
      maxAspectRatio: AILAB_MAX_ASPECT_RATIO,
      acceptsUrl: false,
    },
  },
  offline: false,
  lifecycle: AILAB_LIVE_PHOTO_LIFECYCLE,
}
