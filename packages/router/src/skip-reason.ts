import type { AnimationRequest, Capabilities } from '@portrait-animator/core'

/**
 * Why a target's capabilities cannot serve `request`, or `undefined` when they can. Read before
 * any call: a target that cannot serve is skipped, never called and never paid.
 */
export function unsupportedReason(capabilities: Capabilities, request: AnimationRequest): string | undefined {
  const motion = request.motion
  if (!capabilities.motions.includes(motion.type)) {
    return `does not accept ${motion.type} motion (accepts ${capabilities.motions.join(', ') || 'none'})`
  }
  if (motion.type === 'preset' && !capabilities.presets.includes(motion.preset)) {
    return `has no "${motion.preset}" preset (has ${capabilities.presets.join(', ') || 'none'})`
  }
  if (motion.type === 'audio' && !capabilities.inputs.audio) return 'does not accept audio'
  if (motion.type === 'driving-video' && !capabilities.inputs.video) return 'does not accept a driving video'
  const kind = request.output?.kind
  if (kind && !capabilities.outputs.includes(kind)) return `cannot produce ${kind} output`
  const format = request.output?.format
  if (format && request.strict && !capabilities.outputFormats.includes(format)) return `cannot produce ${format} (strict)`
  return undefined
}
