import { PortraitAnimatorError, type AnimationRequest, type ErrorKind, type Framing, type Warning } from '@portrait-animator/core'
import { AILAB_LIVE_PHOTO_MODEL, AILAB_PROVIDER } from './ailab-constants.js'
import { parseAilabProviderOptions } from './ailab-options.js'

/** What will be sent besides the image, and what could not be honoured. */
export interface AilabRequestPlan {
  /** AILab's `type`: 0 head, 1 full body. */
  readonly type: 0 | 1
  /** The request field `type` came from, named in errors about it. */
  readonly typeField: 'motion.framing' | 'providerOptions.ailab.type'
  /** Settings not honoured as asked. */
  readonly warnings: readonly Warning[]
}

const TYPE_OF_FRAMING: Readonly<Record<Framing, 0 | 1>> = { head: 0, 'full-body': 1 }

/**
 * Checks everything in the request except the image, before any network call: the motion must be
 * the `live-photo` preset, output wishes AILab cannot honour become warnings (errors when
 * `strict`), and `providerOptions.ailab` is validated.
 *
 * @throws PortraitAnimatorError `unsupported` for another motion or preset (or an output wish in
 *   strict mode), `invalid_input` for an unknown framing or bad provider options.
 */
export function planAilabRequest(request: AnimationRequest): AilabRequestPlan {
  const motion = request.motion as AnimationRequest['motion'] | undefined
  if (motion?.type !== 'preset') {
    throw planError('unsupported', 'motion.type', `AILabTools Live Photos only plays the 'live-photo' preset; motion type '${String(motion?.type)}' is not supported`)
  }
  if (motion.preset !== 'live-photo') {
    throw planError('unsupported', 'motion.preset', `AILabTools Live Photos only plays the 'live-photo' preset, not '${String(motion.preset)}'`)
  }
  const framing = motion.framing ?? 'head'
  if (!Object.hasOwn(TYPE_OF_FRAMING, framing)) {
    throw planError('invalid_input', 'motion.framing', `motion.framing must be 'head' or 'full-body', not '${String(framing)}'`)
  }
  const options = parseAilabProviderOptions(request.providerOptions?.[AILAB_PROVIDER])
  const warnings: Warning[] = []
  const warn = (type: Warning['type'], setting: string, message: string) => warnings.push({ type, setting, message, provider: AILAB_PROVIDER })

  if (options.type !== undefined && motion.framing !== undefined && options.type !== TYPE_OF_FRAMING[framing]) {
    warn('other', 'motion.framing', `providerOptions.ailab.type ${options.type} overrides motion.framing '${framing}'.`)
  }
  const output = request.output
  if (output?.kind !== undefined && output.kind !== 'video') {
    warn('unsupported', 'output.kind', `Live Photos only produces video; output.kind '${output.kind}' was ignored.`)
  }
  if (output?.format !== undefined && output.format !== 'mp4') {
    warn('unsupported', 'output.format', `Live Photos only produces MP4; output.format '${output.format}' was ignored.`)
  }
  if (output?.maxSide !== undefined) {
    warn('unsupported', 'output.maxSide', `Live Photos chooses the video size itself; output.maxSide ${output.maxSide} was ignored.`)
  }
  if (request.strict && warnings.length > 0) {
    const first = warnings[0]!
    throw planError(first.type === 'other' ? 'invalid_input' : 'unsupported', first.setting ?? 'request', `strict mode: ${first.message.replace(/\.$/, '')}`)
  }
  return options.type !== undefined
    ? { type: options.type, typeField: 'providerOptions.ailab.type', warnings }
    : { type: TYPE_OF_FRAMING[framing], typeField: 'motion.framing', warnings }
}

function planError(kind: ErrorKind, field: string, message: string): PortraitAnimatorError {
  return new PortraitAnimatorError({
    kind,
    message: `${message}.`,
    provider: AILAB_PROVIDER,
    modelId: AILAB_LIVE_PHOTO_MODEL,
    field,
    accepted: false,
  })
}
