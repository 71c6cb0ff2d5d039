/**
 * Replicate's LivePortrait (`fofr/live-portrait`) as a `PortraitAnimator`, on Replicate's
 * predictions API through the official `replicate` client and core's job runtime.
 * @module
 */
export { createProvider, createReplicate, type ReplicateProvider } from './replicate-provider.js'
export type { ReplicateSettings, ReplicateWebhookEventType } from './replicate-settings.js'
export type { ReplicatePrediction } from './replicate-api.js'
export {
  verifyReplicateWebhook,
  type ReplicateWebhookHeaders,
  type ReplicateWebhookRequest,
  type VerifiedReplicateWebhook,
  type VerifyReplicateWebhookOptions,
} from './replicate-webhook.js'
export { REPLICATE_STATUS_KINDS } from './replicate-errors.js'
export { CAPABILITIES as REPLICATE_LIVE_PORTRAIT_CAPABILITIES, REPLICATE_MODEL } from './replicate-limits.js'
