import { parseProviderOptions as parseCoreProviderOptions, type AnimationRequest } from '@portrait-animator/core'
import { z } from 'zod'
import { PROVIDER } from './magichour-limits.js'

const name = z.string().trim().min(1).max(200).describe('Project name shown in your Magic Hour library.')

const twoDecimals = (value: number) => Math.abs(Math.round(value * 100) - value * 100) < 1e-6

/**
 * `providerOptions.magichour` for `talking-photo`. Unknown keys are an error, so a misspelt option
 * never silently does nothing.
 *
 * @example
 * ```ts
 * providerOptions: { magichour: { style: { generationMode: 'expressive', intensity: 1.2 }, name: 'Greeting' } }
 * ```
 */
export const talkingPhotoOptionsSchema = z.strictObject({
  name: name.optional(),
  style: z
    .strictObject({
      /**
       * `pro` (default: realistic detail, accurate lip sync) or `standard` (more expressive motion);
       * `stable` and `expressive` are the deprecated spellings the API maps to `pro` and `standard`.
       */
      generationMode: z.enum(['expressive', 'pro', 'stable', 'standard']).optional(),
      /** 0.1..2 with up to 2 decimals, default 1.5; used only by `expressive`. */
      intensity: z.number().min(0.1).max(2).refine(twoDecimals, 'at most 2 decimal places').optional(),
    })
    .optional(),
  /** Caps the larger side of the output in pixels (`max_resolution`); overrides `output.maxSide`. */
  maxResolution: z.number().int().min(64).max(4096).optional(),
})
export type TalkingPhotoOptions = z.output<typeof talkingPhotoOptionsSchema>

/**
 * `providerOptions.magichour` for `image-to-video`.
 *
 * @example
 * ```ts
 * providerOptions: { magichour: { resolution: '480p', endSeconds: 10, prompt: 'She laughs and looks up.' } }
 * ```
 */
export const imageToVideoOptionsSchema = z
  .strictObject({
    name: name.optional(),
    /** Replaces the built-in prompt of the preset. */
    prompt: z.string().trim().min(1).max(2000).optional(),
    /** Output length in seconds (`end_seconds`): 5..60; 480p allows only 5 or 10. @default 5 */
    endSeconds: z.number().min(5).max(60).optional(),
    /** `480p`, `720p` (default unless `output.maxSide` is smaller) or `1080p` (Pro and Business plans). */
    resolution: z.enum(['480p', '720p', '1080p']).optional(),
  })
  .refine((options) => options.resolution !== '480p' || options.endSeconds === undefined || options.endSeconds === 5 || options.endSeconds === 10, {
    message: '480p supports only 5 or 10 second videos',
    path: ['endSeconds'],
  })
export type ImageToVideoOptions = z.output<typeof imageToVideoOptionsSchema>

/**
 * Validates `request.providerOptions.magichour` with `schema` (core's one provider-option parser).
 *
 * @throws PortraitAnimatorError `invalid_input` naming the option (`providerOptions.magichour.style.intensity`).
 */
export function parseProviderOptions<Schema extends z.ZodType>(request: AnimationRequest, schema: Schema, modelId: string): z.output<Schema> {
  return parseCoreProviderOptions(request, schema, { provider: PROVIDER, modelId })
}
