import sharp from 'sharp'

/** Still image formats the animator writes. */
export type StillFormat = 'jpeg' | 'png' | 'webp'

/** Encodes one RGBA frame as JPEG (quality 90), PNG or WebP (quality 90). */
export async function encodeStill(frame: Uint8Array, width: number, height: number, format: StillFormat): Promise<Uint8Array> {
  const image = sharp(frame, { raw: { width, height, channels: 4 } })
  const encoded =
    format === 'jpeg'
      ? image.removeAlpha().jpeg({ quality: 90 })
      : format === 'png'
        ? image.removeAlpha().png({ compressionLevel: 6 })
        : image.removeAlpha().webp({ quality: 90 })
  const output = await encoded.toBuffer()
  return new Uint8Array(output.buffer, output.byteOffset, output.byteLength)
}
