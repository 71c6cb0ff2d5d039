import type { z } from 'zod'
import { PortraitAnimatorError } from '../errors/index.js'
import type { AnimationRequest } from '../spec/index.js'

/** Options of `parseProviderOptions`. */
export interface ProviderOptionsContext {
  /** The key under `request.providerOptions` (`fal`, `magichour`). */
  readonly provider: string
  readonly modelId: string
  /**
   * Option names the adapter always fills from the request, with where they come from
   * (`image_url: 'request.image'`): setting one is an error that says where to give it instead.
   */
  readonly derivedFields?: Readonly<Record<string, string>>
}

/**
 * Reads and validates `request.providerOptions[provider]` with the model's schema (a missing entry
 * is `{}`).
 *
 * @throws PortraitAnimatorError `invalid_input`, rule `provider-option`, naming the option as
 *   `providerOptions.<provider>.<path>` in `field`.
 * @example
 * ```ts
 * const options = parseProviderOptions(request, talkingPhotoOptionsSchema, { provider: 'magichour', modelId: 'talking-photo' })
 * ```
 */
export function parseProviderOptions<Schema extends z.ZodType>(request: Pick<AnimationRequest, 'providerOptions'>, schema: Schema, context: ProviderOptionsContext): z.output<Schema> {
  const { provider, modelId } = context
  const parsed = schema.safeParse(request.providerOptions?.[provider] ?? {})
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const keys = issue?.code === 'unrecognized_keys' ? issue.keys : []
  const path = [...(issue?.path ?? []), ...(keys.length > 0 ? [keys[0]!] : [])].map(String)
  const field = ['providerOptions', provider, ...path].join('.')
  const name = path.join('.')
  const derived = path.length === 1 ? context.derivedFields?.[name] : undefined
  const problem = derived
    ? `it is set from ${derived}; give the media there instead`
    : keys.length > 0
      ? `${provider}/${modelId} has no option${keys.length > 1 ? 's' : ''} ${keys.map((key) => `"${key}"`).join(', ')}`
      : (issue?.message ?? 'invalid value')
  throw new PortraitAnimatorError({
    kind: 'invalid_input',
    message: `Invalid ${field}: ${problem}.`,
    provider,
    modelId,
    field,
    rule: 'provider-option',
    ...(derived || keys.length > 0 ? { actual: name } : {}),
    accepted: false,
  })
}
