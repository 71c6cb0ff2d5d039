import { PortraitAnimatorError, type AnimationRequest, type Capabilities, type CostEstimate, type PortraitAnimator, type Warning } from '@portrait-animator/core'
import type { ApiCall, MagicHourApi } from './magichour-api.js'
import type { PreparedAsset } from './magichour-inputs.js'
import { PROVIDER } from './magichour-limits.js'
import type { CreatedProject } from './magichour-schemas.js'
import type { ResolvedSettings } from './magichour-settings.js'

/** The router's model ids for Magic Hour. */
export type MagicHourModelId = 'talking-photo' | 'image-to-video'

/** A Magic Hour animator: an async job provider, so `start`, `status`, `cancel` and `estimateCost` are always there. */
export type MagicHourAnimator = PortraitAnimator & Required<Pick<PortraitAnimator, 'start' | 'status' | 'cancel' | 'estimateCost'>>

/** What a model needs to prepare a request. */
export interface PrepareContext {
  readonly signal: AbortSignal
  readonly settings: ResolvedSettings
}

/** A request checked and translated, ready to upload and submit. Nothing has been sent yet. */
export interface Submission {
  /** Inputs to upload or pass through, in the order `create` expects their paths. */
  readonly assets: readonly PreparedAsset[]
  /** Everything not honoured exactly as asked. */
  readonly warnings: readonly Warning[]
  /** The expected cost, from the real clip length. */
  readonly estimate: CostEstimate
  /** Output length in seconds, when known before rendering. */
  readonly durationSeconds?: number
  /** Creates the project; `paths` are the assets' file paths or URLs, in order. */
  create(paths: readonly string[], api: MagicHourApi, call: ApiCall): Promise<CreatedProject>
}

/** One Magic Hour endpoint seen as a PortraitAnimator model. */
export interface MagicHourModel {
  readonly modelId: MagicHourModelId
  readonly capabilities: Capabilities
  /**
   * Validates the request, loads its inputs and translates it, without any call to Magic Hour.
   * @throws PortraitAnimatorError `invalid_input` or `unsupported`, with `accepted: false`.
   */
  prepare(request: AnimationRequest, context: PrepareContext): Promise<Submission>
  /** The expected cost from the request alone, synchronously; `undefined` when it cannot be told. */
  estimateCost(request: AnimationRequest, usdPerCredit: number): CostEstimate | undefined
}

/** The `unsupported` error for a request this model cannot serve at all. */
export function unsupported(modelId: string, setting: string, message: string): PortraitAnimatorError {
  return new PortraitAnimatorError({
    kind: 'unsupported',
    message: `Magic Hour ${modelId} cannot serve this request: ${message}.`,
    provider: PROVIDER,
    modelId,
    field: setting,
    accepted: false,
  })
}

/** An `invalid_input` error about a request field. */
export function invalidField(
  modelId: string,
  field: string,
  details: { readonly rule: string; readonly limit: string | number; readonly actual: string | number; readonly problem: string },
): PortraitAnimatorError {
  return new PortraitAnimatorError({
    kind: 'invalid_input',
    message: `Invalid ${field}: ${details.problem}.`,
    provider: PROVIDER,
    modelId,
    field,
    rule: details.rule,
    limit: details.limit,
    actual: details.actual,
    accepted: false,
  })
}

/** Warnings about the output wish shared by both models (video only, MP4 only). */
export function outputWarnings(request: AnimationRequest, modelId: string): Warning[] {
  const output = request.output
  if (output?.kind === 'image') throw unsupported(modelId, 'output.kind', 'it produces video only')
  if (output?.format !== undefined && output.format !== 'mp4') {
    return [{ type: 'unsupported', setting: 'output.format', message: `Magic Hour delivers MP4; ${output.format} was not produced.`, provider: PROVIDER }]
  }
  return []
}
