import { PortraitAnimatorError } from '../errors/index.js'
import type { AnimationRequest, Warning } from '../spec/index.js'

/**
 * `strict: true`: a setting that would not be honoured exactly fails the request before anything
 * is sent. One rule for every adapter: a value that would be clamped is `invalid_input` (the caller
 * gave a value out of range), anything else (ignored, translated, served another way) is
 * `unsupported` (this target cannot do it). Rule `strict`, field the warning's setting, and
 * `accepted: false`.
 *
 * @example
 * ```ts
 * enforceStrict(request, plan.warnings, { provider: 'fal', modelId: 'live-portrait' })
 * ```
 */
export function enforceStrict(request: Pick<AnimationRequest, 'strict'>, warnings: readonly Warning[], context: { readonly provider: string; readonly modelId: string }): void {
  if (request.strict !== true) return
  const error = strictWarningsError(warnings, context)
  if (error) throw error
}

/** The error `enforceStrict` throws for these warnings; `undefined` when there are none. */
export function strictWarningsError(warnings: readonly Warning[], context: { readonly provider: string; readonly modelId: string }): PortraitAnimatorError | undefined {
  const first = warnings[0]
  if (first === undefined) return undefined
  return new PortraitAnimatorError({
    kind: first.type === 'clamped' ? 'invalid_input' : 'unsupported',
    message: `Strict mode: ${first.message}${warnings.length > 1 ? ` (and ${warnings.length - 1} more)` : ''}`,
    provider: context.provider,
    modelId: context.modelId,
    ...(first.setting === undefined ? {} : { field: first.setting }),
    rule: 'strict',
    accepted: false,
  })
}
