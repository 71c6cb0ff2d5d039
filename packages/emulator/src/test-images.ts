import sharp, { type Sharp } from 'sharp'
import { encodeBmp } from './bmp-image.js'
import { portraitSvg } from './image-output.js'

/** Options for the generated test images. */
export interface TestImageOptions {
  /** @default 256 */
  readonly width?: number
  /** @default 256 */
  readonly height?: number
  /** @default 'png' */
  readonly format?: 'png' | 'jpeg' | 'bmp' | 'webp' | 'gif'
}

async function encode(image: Sharp, format: NonNullable<TestImageOptions['format']>): Promise<Buffer> {
  if (format === 'bmp') {
    const { data, info } = await image.removeAlpha().raw().toBuffer({ resolveWithObject: true })
    return encodeBmp(data, info.width, info.height)
  }
  return image.toFormat(format).toBuffer()
}

/**
 * A drawn portrait the emulator accepts as having a face (it has clear edges).
 *
 * @example
 * ```ts
 * const portrait = await createTestPortrait({ format: 'jpeg', width: 640, height: 480 })
 * ```
 */
export async function createTestPortrait(options: TestImageOptions = {}): Promise<Buffer> {
  const width = options.width ?? 256
  const height = options.height ?? 256
  return encode(sharp(Buffer.from(portraitSvg(width, height))), options.format ?? 'png')
}

/**
 * A smooth gradient with no detail: the emulator's providers answer "no face" for it
 * (AILab `ERROR_NO_FACE_IN_FILE`, fal `face_detection_error`, Magic Hour `no_source_face`).
 */
export async function createFeaturelessImage(options: TestImageOptions = {}): Promise<Buffer> {
  const width = options.width ?? 256
  const height = options.height ?? 256
  const pixels = Buffer.alloc(width * height * 3)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const offset = (y * width + x) * 3
      pixels[offset] = Math.round((x / width) * 255)
      pixels[offset + 1] = Math.round((y / height) * 255)
      pixels[offset + 2] = 128
    }
  }
  return encode(sharp(pixels, { raw: { width, height, channels: 3 } }), options.format ?? 'png')
}

/** A short PCM WAV (silence with a quiet tone) of `seconds`, for audio-driven models. */
export function createTestWav(seconds = 1, sampleRate = 8000): Buffer {
  const samples = Math.round(seconds * sampleRate)
  const out = Buffer.alloc(44 + samples * 2)
  out.write('RIFF', 0, 'latin1')
  out.writeUInt32LE(36 + samples * 2, 4)
  out.write('WAVEfmt ', 8, 'latin1')
  out.writeUInt32LE(16, 16)
  out.writeUInt16LE(1, 20)
  out.writeUInt16LE(1, 22)
  out.writeUInt32LE(sampleRate, 24)
  out.writeUInt32LE(sampleRate * 2, 28)
  out.writeUInt16LE(2, 32)
  out.writeUInt16LE(16, 34)
  out.write('data', 36, 'latin1')
  out.writeUInt32LE(samples * 2, 40)
  for (let index = 0; index < samples; index++) {
    out.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 440 * index) / sampleRate) * 2000), 44 + index * 2)
  }
  return out
}
