import { enforceStrict, type AnimationRequest, type OutputFormat, type Warning } from '@portrait-animator/core'
import { FAL_IMAGE_LIMITS, falCapabilities } from './fal-capabilities.js'
import { FAL_EXPRESSION_CONTROLS, mapFalExpression } from './fal-expression.js'
import { definedFields, outputWishWarnings, readOutputWith, type FalModelDefinition, type FalRequestPlan, unsupportedMotion } from './fal-model.js'
import { falLivePortraitImageOptionsSchema, parseFalOptions } from './fal-options.js'
import { falImageOutputSchema } from './fal-schemas.js'

const MODEL_ID = 'live-portrait-image'

/**
 * `fal-ai/live-portrait/image`: re-poses the face in a still (smile, blink, wink, eyebrows, gaze,
 * mouth shapes, head angles) and returns a JPEG or PNG.
 */
export const falLivePortraitImage: FalModelDefinition = {
  modelId: MODEL_ID,
  endpointId: 'fal-ai/live-portrait/image',
  capabilities: falCapabilities({
    outputs: ['image'],
    outputFormats: ['jpeg', 'png'],
    motions: ['expression'],
    expressions: FAL_EXPRESSION_CONTROLS,
    inputs: { image: FAL_IMAGE_LIMITS },
  }),
  plan: planLivePortraitImage,
  readOutput: (data) => readOutputWith((value) => falImageOutputSchema.safeParse(value), data, MODEL_ID).image,
}

function planLivePortraitImage(request: AnimationRequest): FalRequestPlan {
  const motion = request.motion
  if (motion?.type !== 'expression') throw unsupportedMotion(request, falLivePortraitImage)
  const options = parseFalOptions(request, falLivePortraitImageOptionsSchema, MODEL_ID)
  const expression = mapFalExpression(motion, { strict: request.strict === true, modelId: MODEL_ID })
  const warnings: Warning[] = [...expression.warnings, ...outputWishWarnings(request, { kind: 'image', formats: ['jpeg', 'png'] }, MODEL_ID)]
  enforceStrict(request, warnings, { provider: 'fal', modelId: MODEL_ID })
  const wished = request.output?.format
  const format: OutputFormat = options.output_format ?? (wished === 'png' || wished === 'jpeg' ? wished : 'jpeg')
  return {
    fields: definedFields({ ...expression.fields, ...options, output_format: format }),
    media: [{ falField: 'image_url', field: 'image', role: 'image', source: { input: request.image } }],
    warnings,
    output: { kind: 'image', format },
  }
}
