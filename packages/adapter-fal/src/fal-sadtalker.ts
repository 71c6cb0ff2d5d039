import { type AnimationRequest, type Warning, enforceStrict } from '@portrait-animator/core'
import { checkClipBounds } from './fal-clip-bounds.js'
import { FAL_AUDIO_LIMITS, FAL_IMAGE_LIMITS, falCapabilities } from './fal-capabilities.js'
import { definedFields, outputWishWarnings, readOutputWith, type FalModelDefinition, type FalRequestPlan, unsupportedMotion } from './fal-model.js'
import { falSadTalkerOptionsSchema, parseFalOptions } from './fal-options.js'
import { falVideoOutputSchema } from './fal-schemas.js'

const MODEL_ID = 'sadtalker'

/** `fal-ai/sadtalker`: makes the portrait speak an audio clip; returns an MP4. */
export const falSadTalker: FalModelDefinition = {
  modelId: MODEL_ID,
  endpointId: 'fal-ai/sadtalker',
  capabilities: falCapabilities({
    outputs: ['video'],
    outputFormats: ['mp4'],
    motions: ['audio'],
    inputs: { image: FAL_IMAGE_LIMITS, audio: FAL_AUDIO_LIMITS },
  }),
  plan: planSadTalker,
  readOutput: (data) => readOutputWith((value) => falVideoOutputSchema.safeParse(value), data, MODEL_ID).video,
}

function planSadTalker(request: AnimationRequest): FalRequestPlan {
  const motion = request.motion
  if (motion?.type !== 'audio') throw unsupportedMotion(request, falSadTalker)
  const options = parseFalOptions(request, falSadTalkerOptionsSchema, MODEL_ID)
  checkClipBounds(motion.startSeconds, motion.endSeconds, MODEL_ID)
  const warnings: Warning[] = outputWishWarnings(request, { kind: 'video', formats: ['mp4'] }, MODEL_ID)
  if ((motion.startSeconds ?? 0) > 0 || motion.endSeconds !== undefined) {
    warnings.push({
      type: 'unsupported',
      setting: motion.startSeconds ? 'motion.startSeconds' : 'motion.endSeconds',
      message: 'fal/sadtalker speaks the whole audio clip; startSeconds and endSeconds were ignored (trim the audio first).',
      provider: 'fal',
    })
  }
  enforceStrict(request, warnings, { provider: 'fal', modelId: MODEL_ID })
  return {
    fields: definedFields({ ...options }),
    media: [
      { falField: 'source_image_url', field: 'image', role: 'image', source: { input: request.image } },
      { falField: 'driven_audio_url', field: 'motion.audio', role: 'audio', source: { input: motion.audio } },
    ],
    warnings,
    output: { kind: 'video', format: 'mp4' },
  }
}
