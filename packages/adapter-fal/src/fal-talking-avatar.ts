import { enforceStrict, probeMedia, type AnimationRequest, type Cost, type CostEstimate, type MediaInput, type Warning } from '@portrait-animator/core'
import type { z } from 'zod'
import { checkClipBounds } from './fal-clip-bounds.js'
import { definedFields, outputWishWarnings, readOutputWith, type FalModelDefinition, type FalRequestPlan, unsupportedMotion } from './fal-model.js'
import { parseFalOptions } from './fal-options.js'
import { falAvatarOutputSchema } from './fal-schemas.js'

/** The published price of one fal talking-avatar endpoint. */
export interface FalAvatarPrice {
  /** US dollars per second of output video (which is as long as the speech). */
  readonly usdPerSecond: number
  /** Where fal publishes it. */
  readonly source: string
}

/** What differs between fal's talking-avatar endpoints. */
export interface FalAvatarSpec {
  readonly modelId: string
  readonly endpointId: string
  readonly capabilities: FalModelDefinition['capabilities']
  readonly optionsSchema: z.ZodType<Record<string, unknown>>
  readonly price: FalAvatarPrice
  /**
   * The longest speech the endpoint takes for the options given, in seconds, when fal documents
   * one: the cost estimate's upper bound when the audio's length is not known before the call.
   */
  readonly maxAudioSeconds?: (options: Record<string, unknown>) => number
}

/**
 * A fal talking-avatar endpoint: a portrait (`image_url`) speaks a whole audio clip
 * (`audio_url`), with the model's own options from `providerOptions.fal`; the result is an MP4
 * and its duration, which fal's per-second price applies to.
 */
export function falTalkingAvatar(spec: FalAvatarSpec): FalModelDefinition {
  const { modelId } = spec
  const options = (request: AnimationRequest) => parseFalOptions(request, spec.optionsSchema, modelId)
  const definition: FalModelDefinition = {
    modelId,
    endpointId: spec.endpointId,
    capabilities: spec.capabilities,
    plan(request: AnimationRequest): FalRequestPlan {
      const motion = request.motion
      if (motion?.type !== 'audio') throw unsupportedMotion(request, definition)
      const fields = options(request)
      checkClipBounds(motion.startSeconds, motion.endSeconds, modelId)
      const warnings: Warning[] = outputWishWarnings(request, { kind: 'video', formats: ['mp4'] }, modelId)
      if ((motion.startSeconds ?? 0) > 0 || motion.endSeconds !== undefined) {
        warnings.push({
          type: 'unsupported',
          setting: motion.startSeconds ? 'motion.startSeconds' : 'motion.endSeconds',
          message: `fal/${modelId} speaks the whole audio clip; startSeconds and endSeconds were ignored (trim the audio first).`,
          provider: 'fal',
        })
      }
      enforceStrict(request, warnings, { provider: 'fal', modelId })
      return {
        fields: definedFields(fields),
        media: [
          { falField: 'image_url', field: 'image', role: 'image', source: { input: request.image } },
          { falField: 'audio_url', field: 'motion.audio', role: 'audio', source: { input: motion.audio }, ...longestSpeech(spec, fields) },
        ],
        warnings,
        output: { kind: 'video', format: 'mp4' },
      }
    },
    readOutput: (data) => readOutputWith((value) => falAvatarOutputSchema.safeParse(value), data, modelId).video,
    estimateCost(request: AnimationRequest): CostEstimate | undefined {
      if (request.motion?.type !== 'audio') return undefined
      const seconds = knownAudioSeconds(request.motion.audio)
      if (seconds !== undefined) return priced(spec.price, seconds, "from the audio's duration", 'estimated')
      const parsed = spec.optionsSchema.safeParse(request.providerOptions?.fal ?? {})
      const longest = parsed.success ? spec.maxAudioSeconds?.(parsed.data) : undefined
      if (longest === undefined) return undefined
      return priced(spec.price, longest, `upper bound: the audio is not read before the call, so the longest clip fal takes (${longest} s) is assumed`, 'estimated')
    },
    resultCost(data: unknown): Cost | undefined {
      const parsed = falAvatarOutputSchema.safeParse(data)
      const seconds = parsed.success ? parsed.data.duration : undefined
      if (seconds === undefined || seconds === null) return undefined
      return priced(spec.price, seconds, "from the output's duration fal reported", 'estimated')
    },
  }
  return definition
}

/** The speech limit for these options, when fal documents one. */
function longestSpeech(spec: FalAvatarSpec, options: Record<string, unknown>): { maxDurationSeconds?: number } {
  const seconds = spec.maxAudioSeconds?.(options)
  return seconds === undefined ? {} : { maxDurationSeconds: seconds }
}

function priced(price: FalAvatarPrice, seconds: number, how: string, basis: 'estimated'): CostEstimate {
  const usd = Math.round(seconds * price.usdPerSecond * 10_000) / 10_000
  return { usd, basis, note: `${Math.round(seconds * 100) / 100} s at $${price.usdPerSecond}/s (${price.source}), ${how}` }
}

/** The speech's length when it is known without reading a file: loaded media or bytes in hand. */
function knownAudioSeconds(audio: MediaInput): number | undefined {
  if (typeof audio === 'object' && 'durationSeconds' in audio && typeof audio.durationSeconds === 'number') return audio.durationSeconds
  const bytes = audio instanceof Uint8Array ? audio : audio instanceof ArrayBuffer ? new Uint8Array(audio) : undefined
  return bytes === undefined ? undefined : probeMedia(bytes).durationSeconds
}
