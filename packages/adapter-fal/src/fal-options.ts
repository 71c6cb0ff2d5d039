import { parseProviderOptions, type AnimationRequest } from '@portrait-animator/core'
import { z } from 'zod'

/** fal's expression fields in fal's own units and ranges. */
const expressionFields = {
  smile: z.number().min(-2).max(2),
  blink: z.number().min(-30).max(30),
  eyebrow: z.number().min(-30).max(30),
  wink: z.number().min(0).max(25),
  pupil_x: z.number().min(-45).max(45),
  pupil_y: z.number().min(-45).max(45),
  aaa: z.number().min(-200).max(200),
  eee: z.number().min(-40).max(40),
  woo: z.number().min(-100).max(100),
  rotate_pitch: z.number().min(-45).max(45),
  rotate_yaw: z.number().min(-45).max(45),
  rotate_roll: z.number().min(-45).max(45),
}

/** Cropping and paste-back fields both live-portrait endpoints share. */
const cropFields = {
  flag_do_crop: z.boolean(),
  flag_do_rot: z.boolean(),
  flag_pasteback: z.boolean(),
  flag_lip_zero: z.boolean(),
  dsize: z.number().int().positive(),
  scale: z.number().positive(),
  vx_ratio: z.number(),
  vy_ratio: z.number(),
  enable_safety_checker: z.boolean(),
}

/**
 * `providerOptions.fal` for `fal-ai/live-portrait`: any model field except the media URLs, which
 * come from `request.image` and `motion.video`. Fields here win over the ones the adapter derives.
 *
 * @example
 * ```ts
 * { providerOptions: { fal: { dsize: 512, flag_relative: false, enable_safety_checker: true } } }
 * ```
 */
export const falLivePortraitOptionsSchema = z.strictObject({
  ...expressionFields,
  ...cropFields,
  flag_eye_retargeting: z.boolean(),
  flag_lip_retargeting: z.boolean(),
  flag_stitching: z.boolean(),
  flag_relative: z.boolean(),
  batch_size: z.number().int().positive(),
}).partial()

/** `providerOptions.fal` for `fal-ai/live-portrait/image`. */
export const falLivePortraitImageOptionsSchema = z.strictObject({
  ...expressionFields,
  ...cropFields,
  output_format: z.enum(['jpeg', 'png']),
}).partial()

/** `providerOptions.fal` for `fal-ai/sadtalker`. */
export const falSadTalkerOptionsSchema = z.strictObject({
  expression_scale: z.number().min(0).max(3),
  face_enhancer: z.enum(['gfpgan']),
  face_model_resolution: z.enum(['256', '512']),
  pose_style: z.number().int().min(0).max(45),
  preprocess: z.enum(['crop', 'extcrop', 'resize', 'full', 'extfull']),
  still_mode: z.boolean(),
}).partial()

/**
 * `providerOptions.fal` for `fal-ai/kling-video/ai-avatar/v2/standard`: only the prompt (fal's
 * default is `"."`); the portrait and speech come from the request.
 */
export const falKlingAvatarOptionsSchema = z.strictObject({
  prompt: z.string().min(1),
}).partial()

/** `providerOptions.fal` for `fal-ai/bytedance/omnihuman/v1.5` (fal's defaults: 1080p, no turbo). */
export const falOmniHumanOptionsSchema = z.strictObject({
  prompt: z.string().min(1),
  resolution: z.enum(['720p', '1080p']),
  turbo_mode: z.boolean(),
}).partial()

/** Fields the adapter always fills from the request; setting them in `providerOptions` is an error. */
const DERIVED_FIELDS: Readonly<Record<string, string>> = {
  image_url: 'request.image',
  source_image_url: 'request.image',
  video_url: 'motion.video',
  driven_audio_url: 'motion.audio',
  audio_url: 'motion.audio',
}

/**
 * Reads and validates `request.providerOptions.fal` with the model's schema (core's one
 * provider-option parser; the media URL fields say where their media come from instead).
 * @throws PortraitAnimatorError `invalid_input` with field `providerOptions.fal.<name>`.
 */
export function parseFalOptions<Schema extends z.ZodType<Record<string, unknown>>>(request: AnimationRequest, schema: Schema, modelId: string): z.output<Schema> {
  return parseProviderOptions(request, schema, { provider: 'fal', modelId, derivedFields: DERIVED_FIELDS })
}
