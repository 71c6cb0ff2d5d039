/**
 * @portrait-animator/adapter-ailab: AILabTools "Live Photos" (retired) as a `PortraitAnimator`,
 * with every documented error code mapped, so a router can route around it cheaply.
 * @module
 */
export { createAilab, createProvider, type Ailab } from './ailab-provider.js'
export type { AilabSettings } from './ailab-settings.js'
export { AILAB_LIVE_PHOTO_CAPABILITIES, AILAB_LIVE_PHOTO_LIFECYCLE, AILAB_MAX_IMAGE_BYTES, AILAB_MAX_IMAGE_SIDE } from './ailab-capabilities.js'
export { AILAB_LIVE_PHOTO_COST, AILAB_LIVE_PHOTO_CREDITS, AILAB_USD_PER_CREDIT } from './ailab-cost.js'
export { AILAB_ERROR_CODES, lookupAilabErrorCode, type AilabErrorCode, type AilabErrorCodeName, type AilabErrorField } from './ailab-error-codes.js'
export { ailabProviderOptionsSchema, type AilabProviderOptions } from './ailab-options.js'
export {
  AILAB_DEFAULT_BASE_URL,
  AILAB_DEFAULT_TIMEOUT_MS,
  AILAB_KEY_HEADER,
  AILAB_KEY_VARIABLE,
  AILAB_LIVE_PHOTO_MODEL,
  AILAB_LIVE_PHOTO_PATH,
  AILAB_LIVE_PHOTO_TARGET,
  AILAB_PROVIDER,
} from './ailab-constants.js'
