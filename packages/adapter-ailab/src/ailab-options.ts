import { PortraitAnimatorError } from '@portrait-animator/core'
import { z } from 'zod'
import { AILAB_LIVE_PHOTO_MODEL, AILAB_PROVIDER } from './ailab-constants.js'

/**
 * `providerOptions.ailab`: AILab's own parameters, for apps that knew them before.
 *
 * @example
 * ```ts
 * await animator.animate({
 *   image: './me.jpg',
 *   motion: { type: 'preset', preset: 'live-photo' },
 *   providerOptions: { ailab: { type: 1 } }, // the full-body version, as AILab names it
 * })
 * ```
 */
export const ailabProviderOptionsSchema = z.strictObject({
  /**
   * AILab's `type`: `0` head (avatar) version, `1` full-body version. Overrides `motion.framing`.
   * @default from `motion.framing`: `head` is 0, `full-body` is 1
   */
  type: z.union([z.literal(0), z.literal(1)]).optional(),
})

/** Validated `providerOptions.ailab`. */
export type AilabProviderOptions = z.output<typeof ailabProviderOptionsSchema>

/**
 * Validates `providerOptions.ailab` with the schema above.
 *
 * @throws PortraitAnimatorError `invalid_input` naming the offending `providerOptions.ailab.*` field.
 */
export function parseAilabProviderOptions(value: unknown): AilabProviderOptions {
  if (value === undefined) return {}
  const parsed = ailabProviderOptionsSchema.safeParse(value)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const key = issue?.code === 'unrecognized_keys' ? issue.keys[0] : issue?.path.map(String).join('.')
  const field = `providerOptions.ailab${key ? `.${key}` : ''}`
  return fail(field, issue?.code === 'unrecognized_keys' ? `unknown option "${key}" (known: type)` : `${issue?.message ?? 'invalid value'} (type must be 0 or 1)`)
}

function fail(field: string, problem: string): never {
  throw new PortraitAnimatorError({
    kind: 'invalid_input',
    message: `Invalid ${field}: ${problem}.`,
    provider: AILAB_PROVIDER,
    modelId: AILAB_LIVE_PHOTO_MODEL,
    field,
    rule: 'provider-options',
    accepted: false,
  })
}
