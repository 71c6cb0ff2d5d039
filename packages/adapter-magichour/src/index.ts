/**
 * @portrait-animator/adapter-magichour: Magic Hour AI Talking Photo (audio) and Image-to-Video
 * (presets through a prompt) as PortraitAnimators, over the official `magic-hour` SDK.
 * @module
 */
export { createMagicHour, createProvider, type MagicHourProvider } from './magichour-provider.js'
export type { MagicHourSettings } from './magichour-settings.js'
export type { MagicHourAnimator, MagicHourModelId } from './magichour-model.js'
export type { ImageToVideoOptions, TalkingPhotoOptions } from './magichour-options.js'
export { imageToVideoOptionsSchema, talkingPhotoOptionsSchema } from './magichour-options.js'
export { imageToVideoCapabilities, PRESET_CLIP_SECONDS } from './magichour-image-to-video.js'
export { talkingPhotoCapabilities } from './magichour-talking-photo.js'
export { MAX_CLIP_SECONDS } from './magichour-limits.js'
export { DEFAULT_USD_PER_CREDIT, IMAGE_TO_VIDEO_CREDITS_PER_SECOND, TALKING_PHOTO_CREDITS_PER_SECOND } from './magichour-pricing.js'
export {
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verifyMagicHourWebhook,
  type MagicHourWebhookEvent,
  type MagicHourWebhookOptions,
  type WebhookHeaders,
} from './magichour-webhook.js'
