import type { AnimationRequest, Expression, Framing, OutputFormat, OutputKind, PresetName, Warning } from '@portrait-animator/core'
import { invalidInput, LOCAL_PROVIDER } from './local-errors.js'
import { LOCAL_WARP_CAPABILITIES, MAX_OUTPUT_SIDE } from './local-capabilities.js'
import { expressionTimeline, NEUTRAL_FACE, presetTimeline, type FaceState } from './motion-curves.js'
import type { NoFaceBehaviour } from './prepare-portrait.js'
import type { RenderPlan } from './render-animation.js'

/** Defaults a request falls back on (from `createLocal`). */
export interface PlanDefaults {
  readonly maxSide: number
  readonly fps: number
  readonly noFace: NoFaceBehaviour
}

/** Options this adapter reads from `request.providerOptions.local`. */
export interface LocalProviderOptions {
  /** `whole-image`: a photo without a face moves gently as a whole (with a warning) instead of failing. */
  readonly noFace?: NoFaceBehaviour
  /** Frames per second of video output (1..60). */
  readonly fps?: number
}

/** Largest head angles the warp renders believably, in degrees. */
export const ANGLE_LIMITS = { pitch: 20, yaw: 20, roll: 30 } as const

const UNIT_CONTROLS = ['smile', 'blink', 'eyebrow', 'pupilX', 'pupilY'] as const
const UNSUPPORTED_CONTROLS = ['aaa', 'eee', 'woo'] as const

/**
 * Turns a request into a render plan, with a warning for every setting that is not honoured as
 * asked.
 * @throws PortraitAnimatorError `invalid_input` for motions or values that cannot be served at all.
 */
export function planRequest(request: AnimationRequest, defaults: PlanDefaults): { plan: RenderPlan; warnings: Warning[] } {
  const warnings: Warning[] = []
  const warn = (type: Warning['type'], setting: string, message: string): void => {
    warnings.push({ type, setting, message, provider: LOCAL_PROVIDER })
  }
  const local = readProviderOptions(request.providerOptions?.[LOCAL_PROVIDER], warn)
  const fps = local.fps ?? defaults.fps
  const noFace = local.noFace ?? defaults.noFace
  const motion = request.motion as { type?: unknown } | undefined
  if (motion === undefined || motion === null || typeof motion !== 'object') throw invalidInput('motion', 'required', 'A motion is required.')

  let naturalKind: OutputKind
  let states: FaceState[]
  let framing: Framing
  if (request.motion.type === 'preset') {
    const { preset } = request.motion
    if (!LOCAL_WARP_CAPABILITIES.presets.includes(preset)) {
      throw invalidInput('motion.preset', 'enum', `Unknown preset ${JSON.stringify(preset)}; use one of ${LOCAL_WARP_CAPABILITIES.presets.join(', ')}.`, {
        actual: String(preset),
      })
    }
    const requestedFraming = request.motion.framing ?? 'head'
    if (requestedFraming !== 'head' && requestedFraming !== 'full-body') {
      throw invalidInput('motion.framing', 'enum', `Unknown framing ${JSON.stringify(requestedFraming)}; use head or full-body.`)
    }
    framing = requestedFraming
    naturalKind = 'video'
    states = presetTimeline(preset as PresetName, fps)
  } else if (request.motion.type === 'expression') {
    naturalKind = 'image'
    states = [expressionState(request.motion, warn)]
    framing = 'full-body'
  } else {
    throw invalidInput('motion.type', 'unsupported', `The offline animator renders presets and expressions, not ${JSON.stringify(motion.type)} motions.`, {
      actual: String(motion.type),
    })
  }

  const { kind, format } = outputKindAndFormat(request.output?.kind, request.output?.format, naturalKind, request.motion.type, warn)
  if (kind === 'video' && request.motion.type === 'expression') states = expressionTimeline(states[0]!, fps)
  const maxSide = outputMaxSide(request.output?.maxSide, defaults.maxSide, warn)
  return { plan: { kind, format, states, fps, maxSide, framing, noFace }, warnings }
}

function expressionState(expression: Expression, warn: (type: Warning['type'], setting: string, message: string) => void): FaceState {
  const state: Record<keyof FaceState, number> = { ...NEUTRAL_FACE }
  const read = (name: keyof Expression): number | undefined => {
    const value = expression[name]
    if (value === undefined) return undefined
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw invalidInput(`motion.${name}`, 'number', `motion.${name} must be a finite number.`, { actual: String(value) })
    }
    return value
  }
  const clamp = (name: keyof Expression, value: number, low: number, high: number, unit = ''): number => {
    if (value >= low && value <= high) return value
    const clamped = Math.min(high, Math.max(low, value))
    warn('clamped', `motion.${name}`, `motion.${name} ${value}${unit} was clamped to ${clamped}${unit} (the offline animator's range is ${low}..${high}${unit}).`)
    return clamped
  }
  for (const name of UNIT_CONTROLS) {
    const value = read(name)
    if (value !== undefined) state[name] = clamp(name, value, -1, 1)
  }
  const wink = read('wink')
  if (wink !== undefined) state.wink = clamp('wink', wink, 0, 1)
  for (const name of ['pitch', 'yaw', 'roll'] as const) {
    const value = read(name)
    if (value !== undefined) state[name] = clamp(name, value, -ANGLE_LIMITS[name], ANGLE_LIMITS[name], '°')
  }
  for (const name of UNSUPPORTED_CONTROLS) {
    const value = read(name)
    if (value !== undefined && value !== 0) {
      warn('unsupported', `motion.${name}`, `motion.${name} was ignored: opening the mouth needs teeth and a mouth interior the photo does not show.`)
    }
  }
  return state
}

function outputKindAndFormat(
  wishedKind: OutputKind | undefined,
  wishedFormat: OutputFormat | undefined,
  naturalKind: OutputKind,
  motionType: 'preset' | 'expression',
  warn: (type: Warning['type'], setting: string, message: string) => void,
): { kind: OutputKind; format: OutputFormat } {
  let kind = wishedKind ?? (wishedFormat === 'mp4' ? 'video' : wishedFormat === 'jpeg' || wishedFormat === 'png' ? 'image' : naturalKind)
  if (kind !== 'video' && kind !== 'image') throw invalidInput('output.kind', 'enum', 'output.kind must be video or image.', { actual: String(kind) })
  if (motionType === 'preset' && kind === 'image') {
    warn('unsupported', 'output.kind', 'Presets are motions: a video is returned instead of a still image.')
    kind = 'video'
  }
  const formats: readonly OutputFormat[] = kind === 'video' ? ['mp4', 'webp'] : ['jpeg', 'png', 'webp']
  if (wishedFormat === undefined) return { kind, format: formats[0]! }
  if (!LOCAL_WARP_CAPABILITIES.outputFormats.includes(wishedFormat)) {
    throw invalidInput('output.format', 'enum', `Unknown output format ${JSON.stringify(wishedFormat)}.`, { actual: String(wishedFormat) })
  }
  if (!formats.includes(wishedFormat)) {
    warn('unsupported', 'output.format', `A ${kind} cannot be ${wishedFormat.toUpperCase()}; ${formats[0]!.toUpperCase()} is returned instead.`)
    return { kind, format: formats[0]! }
  }
  return { kind, format: wishedFormat }
}

function outputMaxSide(wished: number | undefined, fallback: number, warn: (type: Warning['type'], setting: string, message: string) => void): number {
  if (wished === undefined) return fallback
  if (typeof wished !== 'number' || !Number.isInteger(wished) || wished < 16) {
    throw invalidInput('output.maxSide', 'range', 'output.maxSide must be a whole number of pixels, at least 16.', { actual: String(wished), limit: 16 })
  }
  if (wished > MAX_OUTPUT_SIDE) {
    warn('clamped', 'output.maxSide', `output.maxSide ${wished} was clamped to ${MAX_OUTPUT_SIDE} px, the offline animator's largest output.`)
    return MAX_OUTPUT_SIDE
  }
  return wished
}

function readProviderOptions(
  value: Readonly<Record<string, unknown>> | undefined,
  warn: (type: Warning['type'], setting: string, message: string) => void,
): LocalProviderOptions {
  if (value === undefined) return {}
  if (value === null || typeof value !== 'object') throw invalidInput('providerOptions.local', 'type', 'providerOptions.local must be an object.')
  const options: { noFace?: NoFaceBehaviour; fps?: number } = {}
  for (const [key, item] of Object.entries(value)) {
    if (key === 'noFace') {
      if (item !== 'error' && item !== 'whole-image') {
        throw invalidInput('providerOptions.local.noFace', 'enum', 'providerOptions.local.noFace must be "error" or "whole-image".', { actual: String(item) })
      }
      options.noFace = item
    } else if (key === 'fps') {
      if (typeof item !== 'number' || !Number.isInteger(item) || item < 1 || item > 60) {
        throw invalidInput('providerOptions.local.fps', 'range', 'providerOptions.local.fps must be a whole number from 1 to 60.', { actual: String(item) })
      }
      options.fps = item
    } else {
      warn('unsupported', `providerOptions.local.${key}`, `providerOptions.local.${key} is not an option of the offline animator and was ignored.`)
    }
  }
  return options
}
