/**
 * fal.ai's LivePortrait (driving video and expression stills) and SadTalker as `PortraitAnimator`s,
 * on fal's async queue through `@fal-ai/client`.
 * @module
 */
export { createFal, createProvider, FAL_MODEL_IDS, type FalModelId, type FalProvider } from './fal-provider.js'
export type { FalLifetime, FalSettings, FalStatusMode } from './fal-settings.js'
export { FAL_EXPRESSION_TABLE, type FalExpressionMapping } from './fal-expression.js'
export { FAL_DETAIL_TYPE_KINDS, FAL_ERROR_TYPE_KINDS, FAL_STATUS_KINDS } from './fal-errors.js'
export {
  verifyFalWebhook,
  type FalJsonWebKey,
  type FalJwks,
  type FalWebhookDelivery,
  type FalWebhookHeaders,
  type VerifiedFalWebhook,
  type VerifyFalWebhookOptions,
} from './fal-webhook.js'
export { createFalJwksCache, FAL_JWKS_URL, type FalJwksCache, type FalJwksCacheOptions } from './fal-jwks.js'
export { BUNDLED_DRIVING_CLIP } from './fal-driving-clip.js'
