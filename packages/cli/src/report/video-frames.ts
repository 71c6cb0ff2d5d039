import { decodeInChromium } from './chromium-frames.js'
import { findChromium } from './find-chromium.js'
import { baselineUndecodableReason, decodeBaselineFrames, type DecodeFramesOptions, type DecodeSummary } from './h264-frames.js'
import type { VideoTrackFacts } from './media-container.js'

/** Which decoder produced the frames. */
export type FrameDecoder = 'tinyh264' | 'chromium'

/** Options of `decodeVideoFrames`. */
export interface DecodeVideoOptions extends DecodeFramesOptions {
  /**
   * The Chromium to decode with when tinyh264 cannot (High/Main profile, VP9, AV1, ...): a path,
   * or `false` for none.
   * @default findChromium()
   */
  readonly chromium?: string | false
}

/** Frames could not be decoded here; `message` says why in one sentence. */
export class UndecodableVideoError extends Error {
  override readonly name = 'UndecodableVideoError'
}

/**
 * Decodes a video track's frames in display order with the best decoder at hand: tinyh264 in
 * process for Baseline H.264 (what the offline animator writes), else WebCodecs in a headless
 * Chromium when one is installed (H.264 High and Main with B-frames, as fal and Magic Hour return,
 * and whatever else that Chromium decodes).
 *
 * @throws UndecodableVideoError saying why, when no decoder here can read the track.
 * @example
 * ```ts
 * const { decoder } = await decodeVideoFrames(video, { onFrame: (frame) => meter.add(frame) })
 * ```
 */
export async function decodeVideoFrames(video: VideoTrackFacts, options: DecodeVideoOptions): Promise<DecodeSummary & { decoder: FrameDecoder }> {
  const baselineProblem = baselineUndecodableReason(video)
  if (baselineProblem === undefined) return { ...(await decodeBaselineFrames(video, options)), decoder: 'tinyh264' }
  const chromium = options.chromium === undefined ? findChromium() : options.chromium
  if (chromium === false || chromium === undefined) {
    throw new UndecodableVideoError(`${baselineProblem}, and no Chromium was found to decode it (install chromium, or set PORTRAIT_ANIMATOR_CHROMIUM)`)
  }
  try {
    return { ...(await decodeInChromium(video, chromium, options)), decoder: 'chromium' }
  } catch (error) {
    options.signal?.throwIfAborted()
    throw new UndecodableVideoError(`${baselineProblem}, and Chromium could not decode it either: ${(error as Error).message.split('\n')[0]}`)
  }
}
