import { probeMedia, type AnimationRequest, type AudioMotion, type Capabilities, type CostEstimate, type Warning } from '@portrait-animator/core'
import { prepareAsset } from './magichour-inputs.js'
import { AUDIO_FORMATS, IMAGE_FORMATS, IMAGE_GEOMETRY, MAX_CLIP_SECONDS, MAX_UPLOAD_BYTES, MIN_END_SECONDS, PROVIDER } from './magichour-limits.js'
import { invalidField, outputWarnings, unsupported, type MagicHourModel, type PrepareContext, type Submission } from './magichour-model.js'
import { parseProviderOptions, talkingPhotoOptionsSchema, type TalkingPhotoOptions } from './magichour-options.js'
import { TALKING_PHOTO_CREDITS_PER_SECOND, creditEstimate, type TalkingPhotoMode } from './magichour-pricing.js'

const MODEL_ID = 'talking-photo'

/** The API's default generation mode (providers.md §3.2). */
const DEFAULT_MODE: TalkingPhotoMode = 'pro'

/** Room for rounding between a duration read from headers and one a caller typed. */
const DURATION_TOLERANCE_SECONDS = 0.01

/** Range `max_resolution` is clamped to when it comes from `output.maxSide`. */
const MAX_RESOLUTION_RANGE = { min: 64, max: 4096 } as const

/** What Magic Hour AI Talking Photo can do, read by the router before any call. */
export const talkingPhotoCapabilities: Capabilities = {
  outputs: ['video'],
  outputFormats: ['mp4'],
  motions: ['audio'],
  presets: [],
  framings: [],
  expressions: [],
  jobs: true,
  cancel: true,
  webhooks: true,
  inputs: {
    image: { formats: IMAGE_FORMATS, maxBytes: MAX_UPLOAD_BYTES, ...IMAGE_GEOMETRY, acceptsUrl: true },
    // No maxDurationSeconds: a long recording is fine as long as the chosen clip is at most 60 s.
    audio: { formats: AUDIO_FORMATS, maxBytes: MAX_UPLOAD_BYTES, acceptsUrl: true },
  },
  offline: false,
  lifecycle: { status: 'active' },
}

/**
 * `POST /v1/ai-talking-photo`: the portrait speaks `motion.audio` from `startSeconds` to
 * `endSeconds` (at most 60 s, within the audio's real duration).
 */
export const talkingPhotoModel: MagicHourModel = {
  modelId: MODEL_ID,
  capabilities: talkingPhotoCapabilities,

  async prepare(request: AnimationRequest, context: PrepareContext): Promise<Submission> {
    const motion = request.motion
    if (motion.type !== 'audio') throw unsupported(MODEL_ID, 'motion.type', `it needs an audio motion, not ${motion.type}`)
    const warnings: Warning[] = outputWarnings(request, MODEL_ID)
    const options = parseProviderOptions(request, talkingPhotoOptionsSchema, MODEL_ID)
    checkClipBounds(motion)

    const common = { modelId: MODEL_ID, signal: context.signal, allowPrivateNetwork: context.settings.allowPrivateNetwork, fetch: context.settings.fetch }
    const [image, audio] = await Promise.all([
      prepareAsset(request.image, { ...common, field: 'image', role: 'image', limits: talkingPhotoCapabilities.inputs.image }),
      prepareAsset(motion.audio, { ...common, field: 'motion.audio', role: 'audio', limits: talkingPhotoCapabilities.inputs.audio! }),
    ])
    const duration = audio.kind === 'media' ? audio.media.durationSeconds : undefined
    const { startSeconds, endSeconds } = resolveClip(motion, duration)

    const mode = options.style?.generationMode ?? DEFAULT_MODE
    if (options.style?.intensity !== undefined && mode !== 'expressive') {
      warnings.push({
        type: 'unsupported',
        setting: `providerOptions.${PROVIDER}.style.intensity`,
        message: `Magic Hour uses style.intensity only with generationMode "expressive"; it has no effect with "${mode}".`,
        provider: PROVIDER,
      })
    }
    const maxResolution = resolveMaxResolution(request, options, warnings)
    const clipSeconds = endSeconds - startSeconds
    const estimate = estimateFor(clipSeconds, mode, context.settings.usdPerCredit, 'from the clip length')

    return {
      assets: [image, audio],
      warnings,
      estimate,
      durationSeconds: clipSeconds,
      create(paths, api, call) {
        return api.createTalkingPhoto(
          {
            imageFilePath: paths[0]!,
            audioFilePath: paths[1]!,
            startSeconds,
            endSeconds,
            ...(options.name === undefined ? {} : { name: options.name }),
            ...(options.style === undefined ? {} : { style: options.style }),
            ...(maxResolution === undefined ? {} : { maxResolution }),
          },
          call,
        )
      },
    }
  },

  estimateCost(request: AnimationRequest, usdPerCredit: number): CostEstimate | undefined {
    const motion = request.motion
    if (motion.type !== 'audio') return undefined
    const parsed = talkingPhotoOptionsSchema.safeParse(request.providerOptions?.[PROVIDER] ?? {})
    const mode = (parsed.success ? parsed.data.style?.generationMode : undefined) ?? DEFAULT_MODE
    const start = motion.startSeconds ?? 0
    if (motion.endSeconds !== undefined) return estimateFor(Math.max(0, motion.endSeconds - start), mode, usdPerCredit, 'from startSeconds and endSeconds')
    const audio = motion.audio
    const bytes = audio instanceof Uint8Array ? audio : audio instanceof ArrayBuffer ? new Uint8Array(audio) : undefined
    const loaded = typeof audio === 'object' && 'durationSeconds' in audio ? audio.durationSeconds : undefined
    const duration = loaded ?? (bytes === undefined ? undefined : probeMedia(bytes).durationSeconds)
    if (duration !== undefined) return estimateFor(Math.min(MAX_CLIP_SECONDS, Math.max(0, duration - start)), mode, usdPerCredit, "from the audio's duration")
    return estimateFor(MAX_CLIP_SECONDS, mode, usdPerCredit, `upper bound: the audio is not read before the call, so the longest clip (${MAX_CLIP_SECONDS} s) is assumed`)
  },
}

function estimateFor(clipSeconds: number, mode: TalkingPhotoMode, usdPerCredit: number, how: string): CostEstimate {
  const rate = TALKING_PHOTO_CREDITS_PER_SECOND[mode]
  return creditEstimate(
    clipSeconds * rate,
    usdPerCredit,
    `${round(clipSeconds)} s at ${rate} credits/s (${mode}), ${how}; USD at $${usdPerCredit} per credit`,
  )
}

/** The checks that need no audio: numbers, order, and the API's minimum end. */
function checkClipBounds(motion: AudioMotion): void {
  const start = motion.startSeconds
  if (start !== undefined && !(Number.isFinite(start) && start >= 0)) {
    throw invalidField(MODEL_ID, 'motion.startSeconds', { rule: 'min', limit: 0, actual: String(start), problem: `startSeconds must be a number of seconds >= 0, not ${String(start)}` })
  }
  const end = motion.endSeconds
  if (end === undefined) return
  if (!Number.isFinite(end) || end < MIN_END_SECONDS) {
    throw invalidField(MODEL_ID, 'motion.endSeconds', { rule: 'min', limit: MIN_END_SECONDS, actual: String(end), problem: `endSeconds must be a number of seconds >= ${MIN_END_SECONDS}, not ${String(end)}` })
  }
  if (end <= (start ?? 0)) {
    throw invalidField(MODEL_ID, 'motion.endSeconds', {
      rule: 'after-start',
      limit: `more than startSeconds (${start ?? 0})`,
      actual: end,
      problem: `endSeconds (${end}) must be greater than startSeconds (${start ?? 0})`,
    })
  }
}

/** Start and end against the audio's real duration and the documented clip limit. */
function resolveClip(motion: AudioMotion, duration: number | undefined): { startSeconds: number; endSeconds: number } {
  const startSeconds = motion.startSeconds ?? 0
  const endSeconds = motion.endSeconds ?? duration
  if (endSeconds === undefined) {
    throw invalidField(MODEL_ID, 'motion.endSeconds', {
      rule: 'required',
      limit: 'a number of seconds',
      actual: 'missing',
      problem: 'endSeconds is required when the audio is a URL (or its duration cannot be read), because the clip must be checked before Magic Hour is paid',
    })
  }
  if (duration !== undefined) {
    if (startSeconds >= duration) {
      throw invalidField(MODEL_ID, 'motion.startSeconds', {
        rule: 'audio-duration',
        limit: round(duration),
        actual: startSeconds,
        problem: `startSeconds (${startSeconds}) is not before the end of the audio (${round(duration)} s)`,
      })
    }
    if (endSeconds > duration + DURATION_TOLERANCE_SECONDS) {
      throw invalidField(MODEL_ID, 'motion.endSeconds', {
        rule: 'audio-duration',
        limit: round(duration),
        actual: endSeconds,
        problem: `endSeconds (${endSeconds}) is past the end of the audio (${round(duration)} s)`,
      })
    }
  }
  const clip = endSeconds - startSeconds
  if (clip > MAX_CLIP_SECONDS) {
    throw invalidField(MODEL_ID, 'motion.endSeconds', {
      rule: 'max-duration',
      limit: MAX_CLIP_SECONDS,
      actual: round(clip),
      problem: `the clip from ${startSeconds} s to ${round(endSeconds)} s lasts ${round(clip)} s, longer than Magic Hour's limit of ${MAX_CLIP_SECONDS} s; choose startSeconds and endSeconds at most ${MAX_CLIP_SECONDS} s apart`,
    })
  }
  if (endSeconds < MIN_END_SECONDS) {
    throw invalidField(MODEL_ID, 'motion.endSeconds', { rule: 'min', limit: MIN_END_SECONDS, actual: endSeconds, problem: `the clip must end at ${MIN_END_SECONDS} s or later` })
  }
  // A duration read from headers can be a hair longer than what a caller typed; never send past the end.
  return { startSeconds, endSeconds: duration === undefined ? endSeconds : Math.min(endSeconds, duration) }
}

/** `providerOptions.magichour.maxResolution`, else `output.maxSide` brought into range. */
function resolveMaxResolution(request: AnimationRequest, options: TalkingPhotoOptions, warnings: Warning[]): number | undefined {
  if (options.maxResolution !== undefined) return options.maxResolution
  const maxSide = request.output?.maxSide
  if (maxSide === undefined) return undefined
  const clamped = Math.min(MAX_RESOLUTION_RANGE.max, Math.max(MAX_RESOLUTION_RANGE.min, Math.round(maxSide)))
  if (clamped !== maxSide) {
    warnings.push({ type: 'clamped', setting: 'output.maxSide', message: `Magic Hour's max_resolution was set to ${clamped} px instead of ${maxSide}.`, provider: PROVIDER })
  }
  return clamped
}

function round(seconds: number): number {
  return Math.round(seconds * 100) / 100
}
