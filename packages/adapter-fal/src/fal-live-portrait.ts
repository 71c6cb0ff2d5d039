import { PortraitAnimatorError, type AnimationRequest, type Warning, enforceStrict } from '@portrait-animator/core'
import { FAL_IMAGE_LIMITS, FAL_VIDEO_LIMITS, falCapabilities } from './fal-capabilities.js'
import { definedFields, outputWishWarnings, readOutputWith, type FalMediaField, type FalModelDefinition, type FalRequestPlan, unsupportedMotion } from './fal-model.js'
import { falLivePortraitOptionsSchema, parseFalOptions } from './fal-options.js'
import { falVideoOutputSchema } from './fal-schemas.js'

const MODEL_ID = 'live-portrait'

/**
 * `fal-ai/live-portrait`: LivePortrait transfers the motion of a driving video of a face onto the
 * portrait and returns an MP4. The `live-photo` preset is served with the driving clip bundled in
 * this package (a gentle nod, smile and blink), with a `translated` warning.
 */
export const falLivePortrait: FalModelDefinition = {
  modelId: MODEL_ID,
  endpointId: 'fal-ai/live-portrait',
  capabilities: falCapabilities({
    outputs: ['video'],
    outputFormats: ['mp4'],
    motions: ['driving-video', 'preset'],
    presets: ['live-photo'],
    framings: ['head', 'full-body'],
    inputs: { image: FAL_IMAGE_LIMITS, video: FAL_VIDEO_LIMITS },
  }),
  plan: planLivePortrait,
  readOutput: (data) => readOutputWith((value) => falVideoOutputSchema.safeParse(value), data, MODEL_ID).video,
}

function planLivePortrait(request: AnimationRequest): FalRequestPlan {
  const motion = request.motion
  if (motion?.type !== 'driving-video' && motion?.type !== 'preset') throw unsupportedMotion(request, falLivePortrait)
  const options = parseFalOptions(request, falLivePortraitOptionsSchema, MODEL_ID)
  const warnings: Warning[] = outputWishWarnings(request, { kind: 'video', formats: ['mp4'] }, MODEL_ID)
  const image: FalMediaField = { falField: 'image_url', field: 'image', role: 'image', source: { input: request.image } }
  let video: FalMediaField
  let derived: Record<string, unknown> = {}
  if (motion.type === 'driving-video') {
    video = { falField: 'video_url', field: 'motion.video', role: 'video', source: { input: motion.video } }
  } else if (motion.type === 'preset' && motion.preset === 'live-photo') {
    video = { falField: 'video_url', field: 'motion.preset', role: 'video', source: { bundledDrivingClip: true } }
    warnings.unshift({
      type: 'translated',
      setting: 'motion.preset',
      message: 'fal/live-portrait has no presets: live-photo was served by driving the portrait with a bundled clip of a gentle nod, smile and blink.',
      provider: 'fal',
    })
    const framing = motion.framing ?? 'head'
    if (framing !== 'head' && framing !== 'full-body') {
      throw new PortraitAnimatorError({ kind: 'invalid_input', message: `Invalid motion.framing: "${String(framing)}" is not head or full-body.`, provider: 'fal', modelId: MODEL_ID, field: 'motion.framing', rule: 'enum', actual: String(framing) })
    }
    // LivePortrait animates a crop around the face; pasting it back keeps the whole picture.
    derived = { flag_pasteback: framing === 'full-body' }
  } else {
    throw new PortraitAnimatorError({
      kind: 'unsupported',
      message: `fal/live-portrait serves only the live-photo preset, not "${motion.preset}".`,
      provider: 'fal',
      modelId: MODEL_ID,
      field: 'motion.preset',
    })
  }
  enforceStrict(request, warnings, { provider: 'fal', modelId: MODEL_ID })
  return {
    fields: definedFields({ ...derived, ...options }),
    media: [image, video],
    warnings,
    output: { kind: 'video', format: 'mp4' },
  }
}
