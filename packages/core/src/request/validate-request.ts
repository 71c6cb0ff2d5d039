import type { AnimationRequest } from '../spec/index.js'
import { describeValue, requestError, type RequestErrorSource } from './request-error.js'
import { EXPRESSION_CONTROLS, FRAMINGS, MOTION_TYPES, OUTPUT_FORMATS, OUTPUT_KINDS, PRESET_NAMES } from './request-vocabulary.js'

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
const has = (object: object, key: string): boolean => Object.hasOwn(object, key)

/**
 * Checks the shape of a request that may come from JSON or plain JavaScript, before anything is read
 * or sent: an object with an `image` and a `motion` of a known type, known preset, framing and
 * expression control names, numbers where numbers go, and a well-formed `output`. The router and
 * every adapter call it first, so a malformed request is the same typed error everywhere.
 *
 * Value ranges that differ by provider (fal's clip lengths, Magic Hour's `endSeconds >= 0.1`, ...)
 * stay with the adapters; media are checked by `loadMedia`.
 *
 * @throws PortraitAnimatorError `invalid_input` naming the field (`request`, `image`, `motion`,
 *   `motion.type`, `motion.smiel`, `output.format`, ...) with rule `required`, `type`,
 *   `unknown-value` or `unknown-control`.
 * @example
 * ```ts
 * validateRequest({ image: 'me.jpg', motion: { type: 'expression', smiel: 0.5 } })
 * // throws: Invalid motion.smiel: "smiel" is not an expression control. Rule: unknown-control; ...
 * ```
 */
export function validateRequest(request: unknown, source: RequestErrorSource = {}): asserts request is AnimationRequest {
  const fail = (field: string, rule: Parameters<typeof requestError>[0]['rule'], limit: string, value: unknown, problem: string): never => {
    throw requestError({ field, rule, limit, actual: describeValue(value), problem }, source)
  }
  if (request === undefined || request === null) fail('request', 'required', 'an object', request, 'a request object is required')
  if (!isObject(request)) return fail('request', 'type', 'an object', request, `the request must be an object, not ${describeValue(request)}`)
  if (!has(request, 'image') || request.image === undefined || request.image === null) fail('image', 'required', 'a path, URL, bytes or Blob', request.image, 'the request has no image')
  const motion = has(request, 'motion') ? request.motion : undefined
  if (motion === undefined || motion === null) fail('motion', 'required', 'an object with a type', motion, 'the request has no motion')
  if (!isObject(motion)) return fail('motion', 'type', 'an object with a type', motion, `motion must be an object, not ${describeValue(motion)}`)
  const type = motion.type
  if (!(MOTION_TYPES as readonly unknown[]).includes(type)) {
    fail('motion.type', 'unknown-value', MOTION_TYPES.join(', '), type, `${describeValue(type)} is not a motion type (one of ${MOTION_TYPES.join(', ')})`)
  }
  switch (type) {
    case 'preset':
      oneOf(motion, 'preset', PRESET_NAMES, true)
      oneOf(motion, 'framing', FRAMINGS, false)
      break
    case 'expression':
      for (const key of Object.keys(motion)) {
        if (key === 'type') continue
        if (!(EXPRESSION_CONTROLS as readonly string[]).includes(key)) {
          fail(`motion.${key}`, 'unknown-control', EXPRESSION_CONTROLS.join(', '), key, `${describeValue(key)} is not an expression control (one of ${EXPRESSION_CONTROLS.join(', ')})`)
        }
        finiteNumber(motion, key)
      }
      break
    case 'driving-video':
      if (motion.video === undefined || motion.video === null) fail('motion.video', 'required', 'a path, URL, bytes or Blob', motion.video, 'a driving-video motion needs a video')
      break
    case 'audio':
      if (motion.audio === undefined || motion.audio === null) fail('motion.audio', 'required', 'a path, URL, bytes or Blob', motion.audio, 'an audio motion needs audio')
      finiteNumber(motion, 'startSeconds')
      finiteNumber(motion, 'endSeconds')
      break
  }
  validateOutput(request.output)
  if (request.strict !== undefined && typeof request.strict !== 'boolean') fail('strict', 'type', 'true or false', request.strict, 'strict must be true or false')
  if (request.providerOptions !== undefined && !(isObject(request.providerOptions) && Object.values(request.providerOptions).every(isObject))) {
    fail('providerOptions', 'type', 'an object of objects keyed by provider', request.providerOptions, 'providerOptions must map provider names to option objects')
  }
  if (request.context !== undefined && !(isObject(request.context) && Object.values(request.context).every((value) => typeof value === 'string'))) {
    fail('context', 'type', 'an object of strings', request.context, 'context must map names to strings')
  }

  function oneOf(object: Record<string, unknown>, key: string, allowed: readonly string[], required: boolean): void {
    const value = object[key]
    if (value === undefined && !required) return
    if (value === undefined) fail(`motion.${key}`, 'required', allowed.join(', '), value, `a preset motion needs a ${key} (one of ${allowed.join(', ')})`)
    if (!allowed.includes(value as string)) fail(`motion.${key}`, 'unknown-value', allowed.join(', '), value, `${describeValue(value)} is not a ${key} (one of ${allowed.join(', ')})`)
  }

  function finiteNumber(object: Record<string, unknown>, key: string): void {
    const value = object[key]
    if (value === undefined) return
    if (typeof value !== 'number' || !Number.isFinite(value)) fail(`motion.${key}`, 'type', 'a finite number', value, `motion.${key} must be a finite number, not ${describeValue(value)}`)
  }

  function validateOutput(output: unknown): void {
    if (output === undefined) return
    if (!isObject(output)) return fail('output', 'type', 'an object', output, `output must be an object, not ${describeValue(output)}`)
    if (output.kind !== undefined && !(OUTPUT_KINDS as readonly unknown[]).includes(output.kind)) {
      fail('output.kind', 'unknown-value', OUTPUT_KINDS.join(', '), output.kind, `${describeValue(output.kind)} is not an output kind (one of ${OUTPUT_KINDS.join(', ')})`)
    }
    if (output.format !== undefined && !(OUTPUT_FORMATS as readonly unknown[]).includes(output.format)) {
      fail('output.format', 'unknown-value', OUTPUT_FORMATS.join(', '), output.format, `${describeValue(output.format)} is not an output format (one of ${OUTPUT_FORMATS.join(', ')})`)
    }
    const maxSide = output.maxSide
    if (maxSide !== undefined && (typeof maxSide !== 'number' || !Number.isInteger(maxSide) || maxSide < 1)) {
      fail('output.maxSide', 'range', 'a whole number of pixels >= 1', maxSide, `output.maxSide must be a whole number of pixels >= 1, not ${describeValue(maxSide)}`)
    }
  }
}
