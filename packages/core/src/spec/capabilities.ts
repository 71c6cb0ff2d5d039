import type { Lifecycle } from './lifecycle.js'
import type { AudioFormat, ImageFormat, VideoFormat } from './media-input.js'
import type { ExpressionControl, Framing, MotionType, OutputFormat, OutputKind, PresetName } from './request.js'

/** Limits a provider puts on one kind of input. Checked locally before any network call. */
export interface MediaLimits<Format extends string = string> {
  /** Formats accepted, as detected from the bytes. */
  readonly formats: readonly Format[]
  /** Largest accepted size in bytes. */
  readonly maxBytes?: number
  /** Largest accepted width in pixels (images and video). */
  readonly maxWidth?: number
  /** Largest accepted height in pixels (images and video). */
  readonly maxHeight?: number
  /**
   * Largest accepted pixel count (width x height). Also caps the local decode that proves an image
   * is whole, so it is checked from the header before any pixel is decoded.
   * @example 16_777_216 // 4096 x 4096
   */
  readonly maxPixels?: number
  /**
   * Largest accepted ratio of the longer side to the shorter side, whatever the orientation: `4`
   * accepts 4:1 and 1:4 but refuses a 10000x500 strip.
   * @example 4
   */
  readonly maxAspectRatio?: number
  /** Smallest accepted width in pixels. */
  readonly minWidth?: number
  /** Smallest accepted height in pixels. */
  readonly minHeight?: number
  /** Longest accepted duration in seconds (audio and video). */
  readonly maxDurationSeconds?: number
  /** Whether an `http(s)` URL can be passed to the provider as it is (instead of uploading the bytes). */
  readonly acceptsUrl?: boolean
}

/** The inputs a target accepts, one entry per role. A missing role is not accepted at all. */
export interface InputLimits {
  readonly image: MediaLimits<ImageFormat>
  readonly audio?: MediaLimits<AudioFormat>
  readonly video?: MediaLimits<VideoFormat>
}

/**
 * What a target can do, as data. The router reads these BEFORE any call, so a request a target
 * cannot serve is skipped with a reason instead of being sent and paid for.
 */
export interface Capabilities {
  /** Kinds of output it produces. */
  readonly outputs: readonly OutputKind[]
  /** Output container formats it can produce. */
  readonly outputFormats: readonly OutputFormat[]
  /** Kinds of motion it accepts. */
  readonly motions: readonly MotionType[]
  /** Named presets it renders when `motions` includes `'preset'`. */
  readonly presets: readonly PresetName[]
  /** Framings it honours for presets. */
  readonly framings: readonly Framing[]
  /** Expression controls it honours when `motions` includes `'expression'`. */
  readonly expressions: readonly ExpressionControl[]
  /** True when the work runs as a remote job with `start`/`status` (async polling). */
  readonly jobs: boolean
  /** True when a running job can be cancelled remotely. */
  readonly cancel: boolean
  /** True when the provider can call a webhook on completion. */
  readonly webhooks: boolean
  /** Input limits, checked locally before sending. */
  readonly inputs: InputLimits
  /** True when it runs on this machine with no network and no key. */
  readonly offline: boolean
  /** Where the provider's model stands. */
  readonly lifecycle: Lifecycle
}
