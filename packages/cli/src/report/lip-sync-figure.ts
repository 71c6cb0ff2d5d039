import type { FaceBox } from '@portrait-animator/adapter-local'
import type { AudioEnvelope } from '@portrait-animator/core'
import type { DecodedFrame } from './h264-frames.js'
import { lipSyncOffset, MIN_LIP_SYNC_CORRELATION } from './lip-sync.js'
import { findMouthRegion } from './mouth-region.js'
import type { RgbaImage } from './yuv-to-rgba.js'

/** Longest side frames are kept at for the mouth-motion series. */
const KEPT_SIDE = 256

/**
 * Keeps a small grayscale copy of every frame (at most 256 px a side), so the mouth's motion can
 * be measured once the mouth is found in the middle frame.
 */
export class MouthMotionRecorder {
  readonly frames: Uint8Array[] = []
  step = 1
  width = 0
  height = 0

  add(frame: DecodedFrame): void {
    if (this.frames.length === 0) {
      this.step = Math.max(1, Math.ceil(Math.max(frame.width, frame.height) / KEPT_SIDE))
      this.width = Math.floor(frame.width / this.step)
      this.height = Math.floor(frame.height / this.step)
    }
    const small = new Uint8Array(this.width * this.height)
    for (let y = 0; y < this.height; y++) {
      for (let x = 0; x < this.width; x++) small[y * this.width + x] = frame.planes[y * this.step * frame.codedWidth + x * this.step]!
    }
    this.frames.push(small)
  }

  /** Mean grey-level change inside `box` (full-size pixels) from each frame to the next; the first frame repeats the second's. */
  motionIn(box: FaceBox): number[] {
    const left = Math.floor(box.x / this.step)
    const top = Math.floor(box.y / this.step)
    const right = Math.min(this.width, Math.ceil((box.x + box.width) / this.step))
    const bottom = Math.min(this.height, Math.ceil((box.y + box.height) / this.step))
    const cells = Math.max(1, (right - left) * (bottom - top))
    const series = [0]
    for (let index = 1; index < this.frames.length; index++) {
      const [previous, current] = [this.frames[index - 1]!, this.frames[index]!]
      let sum = 0
      for (let y = top; y < bottom; y++) for (let x = left; x < right; x++) sum += Math.abs(current[y * this.width + x]! - previous[y * this.width + x]!)
      series.push(sum / cells)
    }
    if (series.length > 1) series[0] = series[1]!
    return series
  }
}

/**
 * The lip-sync offset of an output: the mouth is found in its middle frame (face landmarks), its
 * motion per frame is cross-correlated with the speech's loudness (`lipSyncOffset`), which
 * `speech(rate)` gives at the video's frame rate (the input speech, or the clip's own audio).
 */
export async function measureLipSync(recorder: MouthMotionRecorder, middleFrame: RgbaImage, speech: (rate: number) => Promise<AudioEnvelope>, fps: number): Promise<{ offsetMs: number } | { reason: string }> {
  let box: FaceBox
  try {
    box = await findMouthRegion(middleFrame)
  } catch (error) {
    return { reason: (error as Error).message }
  }
  let envelope
  try {
    envelope = await speech(fps)
  } catch (error) {
    return { reason: (error as Error).message }
  }
  const match = lipSyncOffset(recorder.motionIn(box), envelope.values, fps)
  if (match === undefined) return { reason: 'the clip or the speech is too short, or one of them never changes' }
  const offsetMs = Math.round(match.offsetSeconds * 1000)
  if (match.correlation < MIN_LIP_SYNC_CORRELATION) return { reason: `no clear peak: mouth motion follows the speech's loudness weakly (best correlation ${match.correlation.toFixed(2)} at ${offsetMs} ms)` }
  return { offsetMs }
}
