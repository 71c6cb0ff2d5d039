import sharp from 'sharp'
import { openImage } from './image-probe.js'
import { portraitSvg } from './image-output.js'

/** An RGBA picture in memory, rows packed. */
export interface RgbaFrame {
  readonly data: Uint8Array
  readonly width: number
  readonly height: number
}

/** How an emulated output moves: a gentle nod, or a jaw that opens with the speech. */
export type FrameMotion = { readonly kind: 'nod' } | { readonly kind: 'talk'; readonly mouthOpen: (seconds: number) => number }

/**
 * The submitted portrait as the first frame of an output: rotated upright, cropped to cover
 * `width` x `height`, RGBA. Without a readable portrait, the emulator's drawn face stands in.
 * Reusing the real portrait keeps the outputs the same person, so identity figures mean something.
 */
export async function portraitFrame(portrait: Uint8Array | undefined, width: number, height: number): Promise<RgbaFrame> {
  const source = (portrait && openImage(Buffer.from(portrait))) ?? sharp(Buffer.from(portraitSvg(width, height)))
  const { data, info } = await source.rotate().resize(width, height, { fit: 'cover' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true })
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height }
}

/** Largest vertical stretch of the lower face at a fully open mouth (share of the height). */
const JAW_STRETCH = 0.05
/** Nod amplitude (share of the height). */
const NOD_SHIFT = 0.03

/**
 * Frame `index` of `frames` at `fps`: the portrait nodding (shifted up and down once per clip), or
 * talking (rows stretched downwards from the top by the mouth opening at that time, so the mouth
 * and chin move with the speech and nothing moves in silence).
 */
export function movedFrame(base: RgbaFrame, motion: FrameMotion, index: number, frames: number, fps: number): Uint8Array {
  const { width, height, data } = base
  const pixels = new Uint8Array(data.length)
  const rowBytes = width * 4
  const shift = motion.kind === 'nod' ? Math.sin((2 * Math.PI * index) / Math.max(frames, 1)) * NOD_SHIFT * height : 0
  const stretch = motion.kind === 'talk' ? 1 + JAW_STRETCH * Math.min(1, Math.max(0, motion.mouthOpen(index / fps))) : 1
  for (let y = 0; y < height; y++) {
    const source = Math.min(height - 1, Math.max(0, Math.round((y - shift) / stretch)))
    pixels.set(data.subarray(source * rowBytes, source * rowBytes + rowBytes), y * rowBytes)
  }
  return pixels
}
