import { createHash } from 'node:crypto'
import { audioEnvelope, withoutGlobalErrorHandlers } from '@portrait-animator/core'
import type * as H264 from 'h264-mp4-encoder'
import type { H264MP4Encoder } from 'h264-mp4-encoder'
import { movedFrame, portraitFrame, type FrameMotion } from './portrait-frames.js'
import { providerShapedVideo } from './provider-shaped-output.js'

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

/**
 * What emulated video outputs look like:
 * - `simple`: the submitted portrait, moving (a nod, or a jaw following the speech for talking
 *   photos), encoded here as Baseline H.264 at the clip's spec, no audio track.
 * - `provider`: shaped like fal's and Magic Hour's real outputs: H.264 High profile with B-frames,
 *   25 fps, 256x256, and AAC audio for talking photos. No High-profile encoder is available at test
 *   time, so these are cut from a fixture clip of the sample portrait (`fixtures/NOTICE.md`),
 *   whatever portrait was submitted.
 */
export type OutputShape = 'simple' | 'provider'

/** The output shapes, for validation. */
export const OUTPUT_SHAPES: readonly OutputShape[] = ['simple', 'provider']

/** What a video output shows. */
export interface VideoContent {
  /** The submitted portrait (any image sharp reads); a drawn face without it. */
  readonly portrait?: Uint8Array | undefined
  /** A talking photo: the mouth follows this speech (a WAV's loudness; steady talking for other audio). */
  readonly speech?: { readonly audio?: Uint8Array | undefined; readonly startSeconds?: number; readonly endSeconds?: number } | undefined
}

/** Mouth openings a second while speaking, in the simple shape. */
const SYLLABLES_PER_SECOND = 4

async function frameMotion(content: VideoContent, fps: number): Promise<FrameMotion> {
  if (content.speech === undefined) return { kind: 'nod' }
  const { audio, startSeconds, endSeconds } = content.speech
  // Speech the emulator cannot decode (compressed audio in Node) makes steady talking instead.
  const envelope = audio ? await audioEnvelope(audio, { rate: fps, ...(startSeconds === undefined ? {} : { startSeconds }), ...(endSeconds === undefined ? {} : { endSeconds }) }).catch(() => undefined) : undefined
  const syllable = (seconds: number) => 0.5 + 0.5 * Math.sin(2 * Math.PI * SYLLABLES_PER_SECOND * seconds)
  if (envelope === undefined) return { kind: 'talk', mouthOpen: syllable }
  return { kind: 'talk', mouthOpen: (seconds) => (envelope.values[Math.floor(seconds * envelope.rate)] ?? 0) * syllable(seconds) }
}

let encoderModule: Promise<typeof H264> | undefined
let fileCounter = 0

async function encode(spec: VideoSpec, content: VideoContent): Promise<Uint8Array> {
  const base = await portraitFrame(content.portrait, spec.width, spec.height)
  const motion = await frameMotion(content, spec.fps)
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
    for (let frame = 0; frame < spec.frames; frame++) encoder.addFrameRgba(movedFrame(base, motion, frame, spec.frames, spec.fps))
    encoder.finalize()
    const bytes = encoder.FS.readFile(encoder.outputFilename)
    encoder.FS.unlink(encoder.outputFilename)
    return bytes
  } finally {
    encoder.delete()
  }
}

/** Distinct outputs kept in memory at most (a test suite submits a handful of portraits). */
const CACHE_SIZE = 16

/**
 * Renders real H.264 MP4 clips of the submitted portrait, once per distinct spec, portrait, speech
 * and shape, and keeps the latest few in memory.
 *
 * @example
 * ```ts
 * const videos = new VideoRenderer({ paddingBytes: 20 * 1024 * 1024 })
 * const mp4 = await videos.render(videoSpecFor(2, 256, 256), { portrait }) // a 20 MB file that plays
 * ```
 */
export class VideoRenderer {
  readonly #paddingBytes: number
  readonly #shape: () => OutputShape
  readonly #cache = new Map<string, Promise<Buffer>>()

  constructor(options: { readonly paddingBytes?: number; readonly shape?: () => OutputShape } = {}) {
    this.#paddingBytes = options.paddingBytes ?? 0
    this.#shape = options.shape ?? (() => 'simple')
  }

  render(spec: VideoSpec, content: VideoContent = {}): Promise<Buffer> {
    const shape = this.#shape()
    const speech = content.speech
    const key = [shape, `${spec.width}x${spec.height}x${spec.frames}@${spec.fps}`, digest(content.portrait), speech ? `talk:${digest(speech.audio)}:${speech.startSeconds ?? ''}-${speech.endSeconds ?? ''}` : 'nod'].join('|')
    let cached = this.#cache.get(key)
    if (!cached) {
      const made = shape === 'provider' ? providerShapedVideo({ seconds: spec.frames / spec.fps, audio: speech !== undefined }) : encode(spec, content)
      cached = made.then((mp4) => padMp4(mp4, this.#paddingBytes))
      cached.catch(() => this.#cache.delete(key))
      this.#cache.set(key, cached)
      if (this.#cache.size > CACHE_SIZE) this.#cache.delete(this.#cache.keys().next().value!)
    }
    return cached
  }
}

function digest(bytes: Uint8Array | undefined): string {
  return bytes === undefined ? '-' : createHash('sha1').update(bytes).digest('hex')
}
