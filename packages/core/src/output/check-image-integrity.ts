import { ascii, u32le } from '../media/byte-reader.js'
import { imageDecodeFailure } from '../media/decode-image.js'
import type { OutputFormat } from '../spec/index.js'
import type { ByteSource } from './byte-source.js'

/** Pixels decoded at most to check one image (all frames of an animation together). */
const MAX_CHECKED_PIXELS = 268_402_689

const PNG_END = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82])

/**
 * What is wrong with a JPEG, PNG or (animated) WebP, or `undefined` when it is whole: its container
 * ends where it says (PNG `IEND`, JPEG end marker, WebP RIFF size) and every frame decodes as the
 * format it claims (sharp/libvips, streaming: nothing the size of the raw frames is kept in
 * memory), so a cut scan or missing rows are caught, not just a bad header.
 *
 * @example
 * ```ts
 * await checkImageIntegrity(bufferSource(bytes), bytes, 'jpeg') // 'it does not decode (VipsJpeg: premature end of JPEG image)'
 * ```
 */
export async function checkImageIntegrity(source: ByteSource, input: string | Uint8Array, format: Exclude<OutputFormat, 'mp4'>): Promise<string | undefined> {
  const ending = await checkEnding(source, format)
  if (ending) return ending
  const { default: sharp } = await import('sharp')
  const image = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength)
  let claimed: string | undefined
  try {
    claimed = (await sharp(image, { limitInputPixels: MAX_CHECKED_PIXELS }).metadata()).format
  } catch (error) {
    return `it does not decode (${(error as Error).message.split('\n')[0]})`
  }
  if (claimed !== format) return `it is ${claimed === undefined ? 'not an image' : `a ${claimed.toUpperCase()}`}, not a ${format.toUpperCase()}`
  const failure = await imageDecodeFailure(input, { maxPixels: MAX_CHECKED_PIXELS, animated: true })
  return failure === undefined ? undefined : `it does not decode (${failure.detail})`
}

async function checkEnding(source: ByteSource, format: Exclude<OutputFormat, 'mp4'>): Promise<string | undefined> {
  const cut = 'the file is cut short'
  if (format === 'png') {
    const tail = await source.read(Math.max(0, source.size - PNG_END.length), PNG_END.length)
    return Buffer.from(tail).equals(PNG_END) ? undefined : `${cut}: the PNG does not end with its IEND chunk`
  }
  if (format === 'jpeg') {
    const tail = await source.read(Math.max(0, source.size - 2), 2)
    return tail[0] === 0xff && tail[1] === 0xd9 ? undefined : `${cut}: the JPEG does not end with its end-of-image marker`
  }
  const head = await source.read(0, 12)
  if (ascii(head, 0, 4) !== 'RIFF' || ascii(head, 8, 4) !== 'WEBP') return 'it is not a WebP'
  const declared = (u32le(head, 4) ?? 0) + 8
  return declared === source.size ? undefined : `${cut}: the WebP declares ${declared} bytes but has ${source.size}`
}
