import type { AnimationRequest, Capabilities, CostEstimate, Framing, PresetName, Warning } from '@portrait-animator/core'
import { prepareAsset } from './magichour-inputs.js'
import { IMAGE_FORMATS, IMAGE_GEOMETRY, MAX_UPLOAD_BYTES, PROVIDER } from './magichour-limits.js'
import { outputWarnings, unsupported, type MagicHourModel, type PrepareContext, type Submission } from './magichour-model.js'
import { imageToVideoOptionsSchema, parseProviderOptions, type ImageToVideoOptions } from './magichour-options.js'
import { IMAGE_TO_VIDEO_CREDITS_PER_SECOND, creditEstimate, type ImageToVideoResolution } from './magichour-pricing.js'

const MODEL_ID = 'image-to-video'

/**
 * Length of a preset clip. A live photo is a few seconds; 5 s is also the shortest clip every
 * 0.43.1 resolution accepts (480p: 5 or 10 s; 720p and 1080p: 5..60 s).
 */
export const PRESET_CLIP_SECONDS = 5

/** Resolution used unless `output.maxSide` or `providerOptions.magichour.resolution` says otherwise (the API's own default). */
const DEFAULT_RESOLUTION: ImageToVideoResolution = '720p'

/** Longest output side of each resolution (16:9 frames), to honour `output.maxSide`. */
const LONG_SIDE: Readonly<Record<ImageToVideoResolution, number>> = { '480p': 854, '720p': 1280, '1080p': 1920 }

/** What the motion must look like, per preset. Magic Hour generates it from this text. */
const PRESET_PROMPTS: Readonly<Record<PresetName, string>> = {
  'live-photo':
    'A subtle live photo of this portrait: the person gently nods once and breaks into a soft, natural smile, with a natural blink.',
  nod: 'The person gently nods once, slowly and naturally, then looks back at the camera.',
  smile: 'The person slowly breaks into a soft, natural smile, keeping their head almost still.',
  blink: 'The person blinks naturally once or twice and otherwise stays almost still.',
  idle: 'The person stays nearly still, breathing calmly, with an occasional natural blink.',
}

const FRAMING_PROMPTS: Readonly<Record<Framing, string>> = {
  head: 'Only the head and face move; the shoulders and body stay still.',
  'full-body': 'The body may move very slightly and naturally.',
}

/** Said after every prompt so the clip stays a photo that moves, not a new scene. */
const PROMPT_TAIL = 'The camera stays completely still, the background does not move, no one speaks, and the identity, lighting and framing of the photo are unchanged. Realistic.'

/** What Magic Hour Image-to-Video can do as a portrait animator, read by the router before any call. */
export const imageToVideoCapabilities: Capabilities = {
  outputs: ['video'],
  outputFormats: ['mp4'],
  motions: ['preset'],
  presets: ['live-photo', 'nod', 'smile', 'blink', 'idle'],
  framings: ['head', 'full-body'],
  expressions: [],
  jobs: true,
  cancel: true,
  webhooks: true,
  inputs: { image: { formats: IMAGE_FORMATS, maxBytes: MAX_UPLOAD_BYTES, ...IMAGE_GEOMETRY, acceptsUrl: true } },
  offline: false,
  lifecycle: { status: 'active' },
}

/**
 * `POST /v1/image-to-video` serving presets: the motion is described in a prompt (a subtle nod and
 * smile for `live-photo`), so every result carries a `generative` warning. Uses the SDK's
 * `imageToVideo.create`, which exists in 0.43.1.
 */
export const imageToVideoModel: MagicHourModel = {
  modelId: MODEL_ID,
  capabilities: imageToVideoCapabilities,

  async prepare(request: AnimationRequest, context: PrepareContext): Promise<Submission> {
    const motion = request.motion
    if (motion.type !== 'preset') throw unsupported(MODEL_ID, 'motion.type', `it renders presets only, not ${motion.type} motion`)
    if (!imageToVideoCapabilities.presets.includes(motion.preset)) throw unsupported(MODEL_ID, 'motion.preset', `it has no "${String(motion.preset)}" preset`)
    const warnings: Warning[] = outputWarnings(request, MODEL_ID)
    const options = parseProviderOptions(request, imageToVideoOptionsSchema, MODEL_ID)
    const framing = motion.framing ?? 'head'
    const prompt = options.prompt ?? `${PRESET_PROMPTS[motion.preset]} ${FRAMING_PROMPTS[framing]} ${PROMPT_TAIL}`
    warnings.push({
      type: 'generative',
      setting: 'motion.preset',
      message: `Magic Hour generates the "${motion.preset}" motion from a text prompt: the movement may differ from the preset, and details of the face or background may change.`,
      provider: PROVIDER,
    })
    if (motion.framing === 'head') {
      warnings.push({
        type: 'translated',
        setting: 'motion.framing',
        message: 'Magic Hour keeps the whole image; "head" framing only asks for the motion to stay in the head.',
        provider: PROVIDER,
      })
    }
    const { resolution, endSeconds } = resolveSize(request, options, warnings)
    const image = await prepareAsset(request.image, {
      field: 'image',
      role: 'image',
      limits: imageToVideoCapabilities.inputs.image,
      modelId: MODEL_ID,
      signal: context.signal,
      allowPrivateNetwork: context.settings.allowPrivateNetwork,
      fetch: context.settings.fetch,
    })
    return {
      assets: [image],
      warnings,
      estimate: estimateFor(endSeconds, resolution, context.settings.usdPerCredit),
      durationSeconds: endSeconds,
      create(paths, api, call) {
        return api.createImageToVideo(
          { imageFilePath: paths[0]!, endSeconds, resolution, prompt, ...(options.name === undefined ? {} : { name: options.name }) },
          call,
        )
      },
    }
  },

  estimateCost(request: AnimationRequest, usdPerCredit: number): CostEstimate | undefined {
    if (request.motion.type !== 'preset') return undefined
    const parsed = imageToVideoOptionsSchema.safeParse(request.providerOptions?.[PROVIDER] ?? {})
    const { resolution, endSeconds } = resolveSize(request, parsed.success ? parsed.data : {}, [])
    return estimateFor(endSeconds, resolution, usdPerCredit)
  },
}

function estimateFor(seconds: number, resolution: ImageToVideoResolution, usdPerCredit: number): CostEstimate {
  const rate = IMAGE_TO_VIDEO_CREDITS_PER_SECOND[resolution]
  return creditEstimate(seconds * rate, usdPerCredit, `${seconds} s at ${resolution}, ${rate} credits/s; USD at $${usdPerCredit} per credit`)
}

/**
 * The resolution (explicit option, else the largest not above `output.maxSide`, else 720p) and
 * the clip length (explicit option, else 5 s; 480p allows only 5 or 10 s).
 */
function resolveSize(request: AnimationRequest, options: ImageToVideoOptions, warnings: Warning[]): { resolution: ImageToVideoResolution; endSeconds: number } {
  let resolution = options.resolution
  const maxSide = request.output?.maxSide
  if (resolution === undefined && maxSide !== undefined) {
    resolution = LONG_SIDE[DEFAULT_RESOLUTION] <= maxSide ? DEFAULT_RESOLUTION : '480p'
    if (LONG_SIDE[resolution] > maxSide) {
      warnings.push({
        type: 'clamped',
        setting: 'output.maxSide',
        message: `Magic Hour's smallest resolution is 480p (up to ${LONG_SIDE['480p']} px on the long side), more than ${maxSide} px.`,
        provider: PROVIDER,
      })
    }
  }
  resolution ??= DEFAULT_RESOLUTION
  let endSeconds = options.endSeconds ?? PRESET_CLIP_SECONDS
  if (resolution === '480p' && endSeconds !== 5 && endSeconds !== 10) {
    const allowed = endSeconds < 7.5 ? 5 : 10
    warnings.push({
      type: 'clamped',
      setting: `providerOptions.${PROVIDER}.endSeconds`,
      message: `Magic Hour makes 480p clips of 5 or 10 s only; ${allowed} s was used instead of ${endSeconds} s.`,
      provider: PROVIDER,
    })
    endSeconds = allowed
  }
  return { resolution, endSeconds }
}
