/**
 * The H.264 settings of the offline animator's MP4 output, in one place so that every encoder path
 * (libx264 through ffmpeg, and the WebAssembly one) honours the same ones.
 */
export interface H264Settings {
  /**
   * Frames between keyframes. A keyframe re-encodes the whole picture and shows as a visible
   * jump in a short, subtle clip, so the default is one keyframe per clip (its first frame).
   * @default Infinity (one keyframe per clip)
   */
  readonly keyframeInterval: number
  /**
   * Constant quantiser, 10 (best) .. 51 (smallest), used for every frame: the same quality on
   * every frame, so nothing pulses. Unset, each encoder path uses its own (`NATIVE_QUANTIZER`,
   * `WASM_QUANTIZER`): P frames must code the face's small changes, or they lag behind the rendered
   * frames and the clip's only keyframe (frame 0) catches up at once at the loop point.
   */
  readonly quantizer: number
  /**
   * Colour range written into the stream (and used for the RGB to YUV conversion): `limited`
   * (16..235, what players expect by default) or `full` (0..255).
   * @default 'limited'
   */
  readonly colourRange: 'limited' | 'full'
}

/**
 * Quantiser of the native (libx264) path. 14 keeps the decoded luma at 45+ dB; with x264's dead
 * zones off and every P-skip checked (`X264_SMALL_CHANGES`) the P frames keep up with small changes
 * at this quantiser (dark photo's loop step: 1.99x the median step with the dead zones, 1.30x without).
 */
export const NATIVE_QUANTIZER = 14

/**
 * Quantiser of the WebAssembly path (minih264), its lowest: it has no setting to code small
 * residuals, so only a finer quantiser keeps its P frames from lagging (dark photo's loop step:
 * 2.51x the median step at 14, 1.83x at 10, with no extra encoding time; 1.47x once the later
 * frames carry the keyframe's rounding, `loop-closure.ts`).
 */
export const WASM_QUANTIZER = 10

/**
 * x264 options that keep P frames from dropping small changes: no dead zone (coefficients are
 * rounded, not biased towards zero) and no early P-skip (a macroblock is skipped only when its
 * residual really codes to nothing). No measurable encoding time on the 3 s clip.
 */
export const X264_SMALL_CHANGES = 'no-fast-pskip=1:deadzone-inter=0:deadzone-intra=0'

/** The settings used unless a caller overrides them (the quantiser is the encoder path's own). */
export const DEFAULT_H264_SETTINGS: Omit<H264Settings, 'quantizer'> = { keyframeInterval: Number.POSITIVE_INFINITY, colourRange: 'limited' }

/** Colour description signalled in the stream: BT.601 (SMPTE 170M) primaries, transfer and matrix, the matrix the frames are converted with. */
export const H264_COLOUR = { primaries: 6, transfer: 6, matrix: 6 } as const

/** H.264 levels (Table A-1): `level_idc`, largest frame in macroblocks, macroblocks per second. */
const LEVELS: ReadonlyArray<readonly [number, number, number]> = [
  [10, 99, 1485],
  [11, 396, 3000],
  [12, 396, 6000],
  [13, 396, 11880],
  [20, 396, 11880],
  [21, 792, 19800],
  [22, 1620, 20250],
  [30, 1620, 40500],
  [31, 3600, 108000],
  [32, 5120, 216000],
  [40, 8192, 245760],
  [41, 8192, 245760],
  [42, 8704, 522240],
]

/**
 * The lowest H.264 level (`level_idc`, e.g. 30 for level 3.0) whose frame-size and macroblock-rate
 * limits hold `width` x `height` at `fps`: 3.0 for 512x512 at 24 fps.
 */
export function h264Level(width: number, height: number, fps: number): number {
  const macroblocks = Math.ceil(width / 16) * Math.ceil(height / 16)
  const level = LEVELS.find(([, maxFrame, maxRate]) => macroblocks <= maxFrame && macroblocks * fps <= maxRate)
  return level?.[0] ?? 51
}
