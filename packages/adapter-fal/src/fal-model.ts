import {
  PortraitAnimatorError,
  type AnimationRequest,
  type Capabilities,
  type Cost,
  type CostEstimate,
  type JsonValue,
  type MediaInput,
  type MediaRole,
  type OutputFormat,
  type OutputKind,
  type Warning,
} from '@portrait-animator/core'
import type { FalFile } from './fal-schemas.js'

/** One media field of a fal request and where its value comes from. */
export interface FalMediaField {
  /** fal's field (`image_url`). */
  readonly falField: string
  /** The request field, for errors (`image`, `motion.video`). */
  readonly field: string
  readonly role: MediaRole
  /** The caller's input, or the driving clip bundled with this package. */
  readonly source: { readonly input: MediaInput } | { readonly bundledDrivingClip: true }
  /** A tighter length limit than the capabilities' for this request (OmniHuman: 30 s at 1080p). */
  readonly maxDurationSeconds?: number
}

/** A request translated for one fal model, before any network call. */
export interface FalRequestPlan {
  /** Every model field except the media URLs, exactly as they will be sent. */
  readonly fields: Readonly<Record<string, JsonValue>>
  readonly media: readonly FalMediaField[]
  /** Everything not honoured as asked. */
  readonly warnings: readonly Warning[]
  /** What the output will be. */
  readonly output: { readonly kind: OutputKind; readonly format: OutputFormat }
}

/** What one fal model is and how requests map onto it. */
export interface FalModelDefinition {
  /** The router's id (`live-portrait`). */
  readonly modelId: string
  /** fal's endpoint id, sub-path included (`fal-ai/live-portrait/image`). */
  readonly endpointId: string
  readonly capabilities: Capabilities
  /**
   * Validates the request and translates it for the model, locally.
   * @throws PortraitAnimatorError `invalid_input` or `unsupported`
   */
  plan(request: AnimationRequest): FalRequestPlan
  /** The output file in the model's result. @throws PortraitAnimatorError `provider_error` */
  readOutput(data: unknown): FalFile
  /** What the request is expected to cost, for models fal publishes a price for. */
  estimateCost?(request: AnimationRequest): CostEstimate | undefined
  /** What the finished job cost by fal's published price, from its result (the output's duration). */
  resultCost?(data: unknown): Cost | undefined
}

/** The `unsupported` error for a motion the model cannot take at all. */
export function unsupportedMotion(request: AnimationRequest, definition: { readonly modelId: string; readonly capabilities: Capabilities }): PortraitAnimatorError {
  const type = (request.motion as { type?: string } | undefined)?.type
  return new PortraitAnimatorError({
    kind: 'unsupported',
    message: `fal/${definition.modelId} does not take ${type === undefined ? 'a request without motion' : `"${type}" motion`} (it takes: ${definition.capabilities.motions.join(', ')}).`,
    provider: 'fal',
    modelId: definition.modelId,
    field: 'motion.type',
  })
}

/** Warnings for output wishes the model cannot honour. */
export function outputWishWarnings(request: AnimationRequest, output: { readonly kind: OutputKind; readonly formats: readonly OutputFormat[] }, modelId: string): Warning[] {
  const wish = request.output
  const warnings: Warning[] = []
  if (!wish) return warnings
  if (wish.kind !== undefined && wish.kind !== output.kind) {
    warnings.push({ type: 'unsupported', setting: 'output.kind', message: `fal/${modelId} produces ${output.kind === 'video' ? 'a video' : 'an image'}, not ${wish.kind === 'video' ? 'a video' : 'an image'}.`, provider: 'fal' })
  }
  if (wish.format !== undefined && !output.formats.includes(wish.format)) {
    warnings.push({ type: 'unsupported', setting: 'output.format', message: `fal/${modelId} cannot produce ${wish.format}; it produces ${output.formats.join(' or ')}.`, provider: 'fal' })
  }
  if (wish.maxSide !== undefined) {
    warnings.push({ type: 'unsupported', setting: 'output.maxSide', message: `fal/${modelId} does not resize its output; output.maxSide was ignored.`, provider: 'fal' })
  }
  return warnings
}

/** Reads a model output with a schema; a mismatch is a `provider_error`. */
export function readOutputWith<T>(parse: (data: unknown) => { success: true; data: T } | { success: false }, data: unknown, modelId: string): T {
  const parsed = parse(data)
  if (parsed.success) return parsed.data
  throw new PortraitAnimatorError({
    kind: 'provider_error',
    message: `fal/${modelId} answered a result without the expected output file.`,
    provider: 'fal',
    modelId,
    accepted: true,
  })
}

/** Drops `undefined` values so the JSON body holds only what is set. */
export function definedFields(fields: Readonly<Record<string, unknown>>): Record<string, JsonValue> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Record<string, JsonValue>
}
