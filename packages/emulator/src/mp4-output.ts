import { withoutGlobalErrorHandlers } from '@portrait-animator/core'
import type * as H264 from 'h264-mp4-encoder'
import type { H264MP4Encoder } from 'h264-mp4-encoder'

/** The shape of a generated clip. */
export interface VideoSpec {
  /** Even number of pixels. */
  readonly width: number
  /** Even number of pixels. */
  readonly height: number
  readonly frames: number
  /** Whole frames per second. */
  readonly fps: number
}

/** Frames rendered per clip at most; longer clips get a lower frame rate instead of more frames. */
const MAX_FRAMES = 96
const DEFAULT_FPS = 24

/**
 * The clip spec for a duration: 24 fps, or fewer frames per second when that would exceed 96
 * frames, so that even a 60 s clip costs little to render.
 */
export function videoSpecFor(seconds: number, width: number, height: number): VideoSpec {
  const duration = Math.min(Math.max(seconds, 0.5), 600)
  const fps = Math.max(1, Math.min(DEFAULT_FPS, Math.floor(MAX_FRAMES / duration)))
  return { width: even(width), height: even(height), fps, frames: Math.max(1, Math.round(duration * fps)) }
}

/** Rounds down to an even number of at least 2 (the encoder needs even sizes). */
export function even(value: number): number {
  return Math.max(2, Math.floor(value / 2) * 2)
}

/** Draws one RGBA frame of a stylised head that nods and smiles. */
function drawFrame(spec: VideoSpec, frameIndex: number): Uint8Array {
  const { width, height, frames } = spec
  const pixels = new Uint8Array(width * height * 4)
  const phase = (2 * Math.PI * frameIndex) / Math.max(frames, 1)
  const unit = Math.min(width, height)
  const centerX = width / 2
  const centerY = height / 2 + Math.sin(phase) * unit * 0.04
  const radiusX = unit * 0.28
  const radiusY = unit * 0.36
  const eyeY = centerY - radiusY * 0.2
  const eyeRadius = unit * 0.035
  const smile = 0.5 + 0.5 * Math.sin(phase)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const offset = (y * width + x) * 4
      let red = 60 + (y * 80) / height
      let green = 90 + (y * 60) / height
      let blue = 140
      const dx = (x - centerX) / radiusX
      const dy = (y - centerY) / radiusY
      if (dx * dx + dy * dy <= 1) {
        red = 224
        green = 176
        blue = 144
        const leftEye = Math.hypot(x - (centerX - radiusX * 0.4), y - eyeY) <= eyeRadius
        const rightEye = Math.hypot(x - (centerX + radiusX * 0.4), y - eyeY) <= eyeRadius
        const mouthX = (x - centerX) / (radiusX * 0.5)
        const mouthY = centerY + radiusY * 0.45 + smile * radiusY * 0.12 * (1 - mouthX * mouthX)
        const mouth = Math.abs(mouthX) <= 1 && Math.abs(y - mouthY) <= unit * 0.012
        if (leftEye || rightEye) red = green = blue = 30
        else if (mouth) [red, green, blue] = [160, 60, 60]
      }
      pixels[offset] = red
      pixels[offset + 1] = green
      pixels[offset + 2] = blue
      pixels[offset + 3] = 255
    }
  }
  return pixels
}

/**
 * Appends an MP4 `free` box so the file is `targetBytes` long; players skip `free` boxes, so the
 * file still plays. Files already that large are returned unchanged.
 */
export function padMp4(mp4: Uint8Array, targetBytes: number): Buffer {
  const missing = targetBytes - mp4.length
  if (missing < 8) return Buffer.from(mp4)
  const padded = Buffer.alloc(targetBytes)
  padded.set(mp4, 0)
  padded.writeUInt32BE(missing, mp4.length)
  padded.write('free', mp4.length + 4, 'latin1')
  return padded
}

let encoderModule: Promise<typeof H264> | undefined
let fileCounter = 0

async function encode(spec: VideoSpec): Promise<Uint8Array> {
  // A CommonJS bundle: under Node's ESM loader its API sits on `default`.
  encoderModule ??= withoutGlobalErrorHandlers(() => import('h264-mp4-encoder')).then((module) => (module as unknown as { default?: typeof module }).default ?? module)
  const { createH264MP4Encoder } = await encoderModule
  const encoder: H264MP4Encoder = await createH264MP4Encoder()
  try {
    encoder.width = spec.width
    encoder.height = spec.height
    encoder.frameRate = spec.fps
    encoder.speed = 10
    encoder.quantizationParameter = 30
    encoder.groupOfPictures = spec.fps
    fileCounter += 1
    encoder.outputFilename = `emulator-${process.pid}-${fileCounter}.mp4`
    encoder.initialize()
    for (let frame = 0; frame < spec.frames; frame++) encoder.addFrameRgba(drawFrame(spec, frame))
    encoder.finalize()
    const bytes = encoder.FS.readFile(encoder.outputFilename)
    encoder.FS.unlink(encoder.outputFilename)
    return bytes
  } finally {
    encoder.delete()
  }
}

/**
 * Renders real H.264 MP4 clips, once per distinct spec, and keeps them in memory.
 *
 * @example
 * ```ts
 * const videos = new VideoRenderer({ paddingBytes: 20 * 1024 * 1024 })
 * const mp4 = await videos.render(videoSpecFor(2, 256, 256)) // a 20 MB file that plays
 * ```
 */
export class VideoRenderer {
  readonly #paddingBytes: number
  readonly #cache = new Map<string, Promise<Buffer>>()

  constructor(options: { readonly paddingBytes?: number } = {}) {
    this.#paddingBytes = options.paddingBytes ?? 0
  }

  render(spec: VideoSpec): Promise<Buffer> {
    const key = `${spec.width}x${spec.height}x${spec.frames}@${spec.fps}`
    let cached = this.#cache.get(key)
    if (!cached) {
      cached = encode(spec).then((mp4) => padMp4(mp4, this.#paddingBytes))
      cached.catch(() => this.#cache.delete(key))
      this.#cache.set(key, cached)
    }
    return cached
  }
}
