/**
 * Test doubles that implement the spec, for router and application tests.
 * @module
 */
export { expectAnimatorError } from './expect-animator-error.js'
export { waitUntil, type WaitUntilOptions } from './wait-until.js'
export {
  createScriptedAnimator,
  type FailStep,
  type HangStep,
  type JobStep,
  type ScriptedAnimator,
  type ScriptedAnimatorOptions,
  type ScriptedCall,
  type ScriptStep,
  type SucceedStep,
} from './scripted-animator.js'
export { TINY_JPEG, TINY_MP4, TINY_PNG } from './tiny-media.js'
export { mountTinyDisk, type TinyDisk } from './tiny-disk.js'
export { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from './webhook-receiver.js'
