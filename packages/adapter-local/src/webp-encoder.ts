import sharp from 'sharp'

/**
 * Encodes RGBA frames (all of them, back to back in one buffer) as a looping animated WebP.
 */
export async function encodeAnimatedWebp(options: {
  readonly frames: Uint8Array
  readonly frameCount: number
  readonly width: number
  readonly height: number
  readonly fps: number
  /** @default 80 */
  readonly quality?: number
}): Promise<Uint8Array> {
  const { frames, frameCount, width, height, fps } = options
  const delay = Math.round(1000 / fps)
  const output = await sharp(frames, { raw: { width, height: height * frameCount, channels: 4, pageHeight: height } })
    .webp({ quality: options.quality ?? 80, effort: 2, loop: 0, delay: Array.from({ length: frameCount }, () => delay) })
    .toBuffer()
  return new Uint8Array(output.buffer, output.byteOffset, output.byteLength)
}
