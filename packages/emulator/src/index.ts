/**
 * @portrait-animator/emulator: one loopback HTTP server that speaks the AILabTools live-photo,
 * fal queue/storage and Magic Hour wire protocols, with fault injection and a charge ledger.
 * @module
 */
export { startEmulator, type Emulator } from './start-emulator.js'
export { EMULATOR_USAGE, EmulatorUsageError, runEmulatorCli, type EmulatorCliIo } from './emulator-cli.js'
export type { AilabOptions, EmulatorOptions, MagicHourOptions, ReplicateOptions } from './emulator-options.js'
export { OUTPUT_SHAPES, type OutputShape } from './mp4-output.js'
export type { CreditSetting, ProviderCredits, ProviderKeys } from './accounts.js'
export { FAULT_ROUTES, type FaultEffect, type FaultRouteName, type FaultRule, type FaultStep } from './fault-types.js'
export { parseFaults } from './parse-faults.js'
export { RATE_LIMITED_ROUTES, type ProviderRateLimits } from './rate-limiter.js'
export type {
  JobOutcome,
  JobRecord,
  LedgerEntry,
  LedgerEntryKind,
  LedgerFilter,
  LedgerView,
  ProviderName,
  RateLimitedRecord,
  UploadRecord,
  WebhookDelivery,
} from './ledger.js'
export { accountId } from './account-id.js'
export { falFetch, rewriteFalUrl, FAL_HOSTS } from './fal-fetch.js'
export { FAL_MODELS, type FalModel } from './fal-models.js'
export { FAL_REQUEST_CREDITS } from './fal-jobs.js'
export { AILAB_LIVE_PHOTO_CREDITS, AILAB_MAX_DIMENSION, AILAB_MAX_IMAGE_BYTES } from './ailab-live-photo-route.js'
export {
  signFalWebhook,
  signMagicHourWebhook,
  verifyFalWebhook,
  verifyMagicHourWebhook,
  type HeaderSource,
  type JsonWebKeySet,
} from './webhook-signing.js'
export { createReplicateWebhookSecret, signReplicateWebhook, verifyReplicateWebhookSignature } from './replicate-webhook-signing.js'
export { REPLICATE_WEBHOOK_EVENTS, type ReplicateWebhookEvent } from './replicate-webhooks.js'
export { createFeaturelessImage, createTestPortrait, createTestWav, type TestImageOptions } from './test-images.js'
