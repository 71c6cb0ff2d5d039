import { resolve } from 'node:path'
import type { Framing, Motion, PresetName } from '@portrait-animator/core'
import { UsageError } from '../exit-codes.js'
import { parseExpression } from '../parse-expression.js'

/** The presets a motion flag accepts. */
export const PRESETS: readonly PresetName[] = ['live-photo', 'nod', 'smile', 'blink', 'idle']

/** The motion flags as parsed from a command line or a manifest row (every value a string). */
export interface MotionFlags {
  readonly preset?: string | undefined
  readonly framing?: string | undefined
  readonly expression?: string | undefined
  readonly audio?: string | undefined
  readonly start?: string | undefined
  readonly end?: string | undefined
  readonly 'driving-video'?: string | undefined
}

/** The motion flags as `parseArgs` options, shared by every command that takes a motion. */
export const MOTION_OPTIONS = {
  preset: { type: 'string' },
  framing: { type: 'string' },
  expression: { type: 'string' },
  audio: { type: 'string' },
  start: { type: 'string' },
  end: { type: 'string' },
  'driving-video': { type: 'string' },
} as const

/** True for inputs that are not local paths (resolved by the provider or `loadMedia` as given). */
export function isRemoteSource(source: string): boolean {
  return /^(https?:|data:)/i.test(source)
}

/**
 * One `Motion` from the motion flags: `--preset`/`--framing`, `--expression smile=0.8,...`,
 * `--audio FILE [--start S --end S]` or `--driving-video FILE`. Local paths are resolved against
 * `baseDirectory` (the working directory, or a manifest's folder).
 *
 * @throws UsageError naming the flag when two motions are given or a value is malformed.
 * @example
 * ```ts
 * motionFromFlags({ audio: 'hello.wav', start: '0.5', end: '2' }, process.cwd())
 * // { type: 'audio', audio: '/abs/hello.wav', startSeconds: 0.5, endSeconds: 2 }
 * ```
 */
export function motionFromFlags(flags: MotionFlags, baseDirectory: string, where = ''): Motion {
  const label = (flag: string) => `${where}--${flag}`
  const chosen = [flags.preset, flags.expression, flags.audio, flags['driving-video']].filter((value) => value !== undefined).length
  if (chosen > 1) throw new UsageError(`${where}Choose one motion: --preset, --expression, --audio or --driving-video.`)
  if ((flags.start !== undefined || flags.end !== undefined) && flags.audio === undefined) throw new UsageError(`${label('start')} and --end go with --audio.`)
  if (flags.framing !== undefined && flags.framing !== 'head' && flags.framing !== 'full-body') throw new UsageError(`${label('framing')} must be head or full-body (got "${flags.framing}").`)
  if (flags.expression !== undefined) {
    try {
      return { type: 'expression', ...parseExpression(flags.expression) }
    } catch (error) {
      throw new UsageError(`${where}${(error as Error).message}`)
    }
  }
  if (flags.audio !== undefined) {
    const startSeconds = seconds(flags.start, label('start'))
    const endSeconds = seconds(flags.end, label('end'))
    if (startSeconds !== undefined && endSeconds !== undefined && endSeconds <= startSeconds) throw new UsageError(`${label('end')} (${endSeconds}) must be after --start (${startSeconds}).`)
    return { type: 'audio', audio: sourcePath(flags.audio, baseDirectory), ...(startSeconds === undefined ? {} : { startSeconds }), ...(endSeconds === undefined ? {} : { endSeconds }) }
  }
  if (flags['driving-video'] !== undefined) return { type: 'driving-video', video: sourcePath(flags['driving-video'], baseDirectory) }
  const preset = flags.preset ?? 'live-photo'
  if (!PRESETS.includes(preset as PresetName)) throw new UsageError(`${label('preset')} must be ${PRESETS.join(', ')} (got "${preset}").`)
  return { type: 'preset', preset: preset as PresetName, ...(flags.framing ? { framing: flags.framing as Framing } : {}) }
}

/** A local path resolved against `baseDirectory`; URLs and data URIs as given. */
export function sourcePath(source: string, baseDirectory: string): string {
  return isRemoteSource(source) ? source : resolve(baseDirectory, source)
}

/**
 * The motion in a few words for the report, e.g. `preset live-photo (head)`,
 * `expression smile=0.8, yaw=10`, `audio hello.wav 0.5–2 s`, `driving video face.mp4`.
 */
export function describeMotion(motion: Motion): string {
  switch (motion.type) {
    case 'preset':
      return `preset ${motion.preset}${motion.framing ? ` (${motion.framing})` : ''}`
    case 'expression': {
      const controls = Object.entries(motion).filter(([name]) => name !== 'type')
      return `expression ${controls.map(([name, value]) => `${name}=${String(value)}`).join(', ')}`
    }
    case 'audio': {
      const range = motion.startSeconds !== undefined || motion.endSeconds !== undefined ? ` ${motion.startSeconds ?? 0}–${motion.endSeconds ?? 'end'} s` : ''
      return `audio ${shortName(motion.audio)}${range}`
    }
    case 'driving-video':
      return `driving video ${shortName(motion.video)}`
  }
}

function shortName(source: unknown): string {
  if (typeof source !== 'string') return '(bytes)'
  if (/^data:/i.test(source)) return source.slice(0, source.indexOf(',') + 1 || 30)
  return source.split(/[\\/]/).pop()!.split('?')[0]!
}

function seconds(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined
  const value = Number(text)
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) throw new UsageError(`${flag} must be a number of seconds, 0 or more (got "${text}").`)
  return value
}
