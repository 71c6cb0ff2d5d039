import type { MediaInput } from './media-input.js'

/** The kind of output a caller wants. */
export type OutputKind = 'video' | 'image'
/** Container formats of outputs. */
export type OutputFormat = 'mp4' | 'webp' | 'jpeg' | 'png'

/** Named motions. `live-photo` is the retired AILabTools effect: a short nod, smile and blink. */
export type PresetName = 'live-photo' | 'nod' | 'smile' | 'blink' | 'idle'

/** `head` animates a head-and-shoulders crop (AILab `type=0`); `full-body` keeps the whole image (AILab `type=1`). */
export type Framing = 'head' | 'full-body'

/** The four kinds of motion a request can ask for. */
export type MotionType = 'preset' | 'expression' | 'driving-video' | 'audio'

/** Play a named motion. */
export interface PresetMotion {
  readonly type: 'preset'
  /** The motion to play. */
  readonly preset: PresetName
  /**
   * How much of the image to animate.
   * @default 'head'
   */
  readonly framing?: Framing
}

/**
 * Provider-neutral expression values. Each adapter maps them onto its own ranges
 * (fal's `smile` is -2..2, its `blink` -30..30, ...).
 *
 * The unit-less controls run from -1 to 1 where 0 is neutral; angles are degrees.
 */
export interface Expression {
  /** -1 (frown) .. 1 (broad smile). */
  readonly smile?: number
  /** -1 (eyes wide open) .. 1 (eyes closed). */
  readonly blink?: number
  /** 0 .. 1 (one eye closed). */
  readonly wink?: number
  /** -1 (lowered) .. 1 (raised). */
  readonly eyebrow?: number
  /** -1 (left) .. 1 (right). */
  readonly pupilX?: number
  /** -1 (down) .. 1 (up). */
  readonly pupilY?: number
  /** Mouth open as in "aaa", -1 .. 1. */
  readonly aaa?: number
  /** Mouth wide as in "eee", -1 .. 1. */
  readonly eee?: number
  /** Lips rounded as in "woo", -1 .. 1. */
  readonly woo?: number
  /** Head nod in degrees, positive looks up. */
  readonly pitch?: number
  /** Head turn in degrees, positive turns to the image's right. */
  readonly yaw?: number
  /** Head tilt in degrees, positive tilts clockwise. */
  readonly roll?: number
}

/** The names of the expression controls. */
export type ExpressionControl = keyof Expression

/** Re-pose the face in a still image. */
export interface ExpressionMotion extends Expression {
  readonly type: 'expression'
}

/** Transfer the motion of a driving video of a face onto the portrait. */
export interface DrivingVideoMotion {
  readonly type: 'driving-video'
  /** The driving video (a face moving). */
  readonly video: MediaInput
}

/** Make the portrait speak a clip of audio. */
export interface AudioMotion {
  readonly type: 'audio'
  /** The speech. */
  readonly audio: MediaInput
  /**
   * Where in the audio to start, in seconds.
   * @default 0
   */
  readonly startSeconds?: number
  /**
   * Where in the audio to stop, in seconds.
   * @default the audio's duration
   */
  readonly endSeconds?: number
}

/** One of the four motions. */
export type Motion = PresetMotion | ExpressionMotion | DrivingVideoMotion | AudioMotion

/** What the caller would like the output to be. A target that cannot honour a wish adds a warning. */
export interface OutputWish {
  /** `video` or `image`. Defaults to what the motion naturally produces (expression: image, else video). */
  readonly kind?: OutputKind
  /** Container format, e.g. `mp4` or `webp` for video, `jpeg` or `png` for stills. */
  readonly format?: OutputFormat
  /** Longest side in pixels; the aspect ratio is kept. */
  readonly maxSide?: number
}

/**
 * One request to animate a portrait.
 *
 * @example
 * ```ts
 * const result = await animator.animate({
 *   image: './portrait.jpg',
 *   motion: { type: 'preset', preset: 'live-photo' },
 * })
 * await result.output.save('out/live.mp4')
 * ```
 */
export interface AnimationRequest {
  /** The portrait. */
  readonly image: MediaInput
  /** What the face should do. */
  readonly motion: Motion
  /** Wishes about the output. */
  readonly output?: OutputWish
  /**
   * When true, any setting a target would translate, clamp or ignore (a warning) fails the request
   * with an `invalid_input` error instead.
   * @default false
   */
  readonly strict?: boolean
  /**
   * Provider-specific options keyed by provider name (`{ fal: { dsize: 512 } }`). Core passes them
   * through untouched; each adapter validates its own entry with its own schema.
   */
  readonly providerOptions?: Readonly<Record<string, Readonly<Record<string, unknown>>>>
  /**
   * Values the router may read but never sends to a provider, such as a user id for sticky A/B
   * assignment (`{ userId: 'u-42' }`).
   */
  readonly context?: Readonly<Record<string, string>>
}
