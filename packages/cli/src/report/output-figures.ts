import { probeMedia } from '@portrait-animator/core'
import { decodeH264Frames, undecodableReason, type DecodedFrame } from './h264-frames.js'
import type { IdentityScorer } from './identity-similarity.js'
import { MotionEnergyMeter } from './motion-energy.js'
import { readMp4VideoTrack, type Mp4VideoTrack } from './mp4-video-track.js'
import { yuvToRgba, type RgbaImage } from './yuv-to-rgba.js'

/** The objective figures of one output. A figure is `null` when it could not be measured; `notes` says why. */
export interface OutputFigures {
  readonly bytes: number
  readonly width: number | null
  readonly height: number | null
  readonly durationSeconds: number | null
  readonly fps: number | null
  /** Mean grey-level change between consecutive frames, 0..255; see `MotionEnergyMeter`. */
  readonly motionEnergy: number | null
  /** 0..1, see `createIdentityScorer`. */
  readonly identitySimilarity: number | null
  /** One sentence per figure that is missing or partial, keyed by the figure's name. */
  readonly notes: Readonly<Partial<Record<FigureName, string>>>
}

/** Names of the measured figures. */
export type FigureName = 'width' | 'height' | 'durationSeconds' | 'fps' | 'motionEnergy' | 'identitySimilarity'

/** Options of `measureOutput`. */
export interface MeasureOutputOptions {
  /** Scores a picture of the output against the input portrait; without it identity is not measured. */
  readonly identity?: IdentityScorer
  /** Frames decoded at most for motion energy (long clips are measured over their start). @default 300 */
  readonly maxFrames?: number
  readonly signal?: AbortSignal
}

/** Frames decoded at most by default: 12.5 s at 24 fps. */
export const DEFAULT_MAX_FRAMES = 300

/**
 * Measures an output from its bytes: size, duration and frame rate from the MP4 headers, motion
 * energy from the decoded H.264 frames, identity similarity between the input face and the
 * output's middle frame (or the image itself for still outputs). Never throws for bad media: each
 * figure it cannot get is `null` with a note.
 */
export async function measureOutput(bytes: Uint8Array, options: MeasureOutputOptions = {}): Promise<OutputFigures> {
  const probe = probeMedia(bytes)
  const notes: Partial<Record<FigureName, string>> = {}
  const base = { bytes: bytes.byteLength, width: probe.width ?? null, height: probe.height ?? null, durationSeconds: probe.durationSeconds ?? null }
  if (probe.format === undefined) {
    const reason = 'the output is not a media format this report recognises'
    return { ...base, fps: null, motionEnergy: null, identitySimilarity: null, notes: everyFigure(reason) }
  }
  if (probe.format !== 'mp4' && probe.format !== 'mov') {
    const still = probe.format === 'jpeg' || probe.format === 'png' || probe.format === 'bmp'
    const why = still ? 'a still image has no frame rate or motion' : `motion is measured for H.264 MP4 outputs only (this is ${probe.format})`
    Object.assign(notes, { fps: why, motionEnergy: why }, still ? { durationSeconds: why } : {})
    const identitySimilarity = await scoreIdentity(options.identity, bytes, notes, options.signal)
    return { ...base, fps: null, motionEnergy: null, identitySimilarity, notes }
  }
  let track: Mp4VideoTrack
  try {
    track = readMp4VideoTrack(bytes)
  } catch (error) {
    const reason = `the MP4 could not be read: ${(error as Error).message}`
    Object.assign(notes, { fps: reason, motionEnergy: reason, identitySimilarity: reason })
    return { ...base, fps: null, motionEnergy: null, identitySimilarity: null, notes }
  }
  const figures = {
    ...base,
    width: track.width || base.width,
    height: track.height || base.height,
    durationSeconds: track.durationSeconds || base.durationSeconds,
    fps: track.fps > 0 ? round(track.fps, 3) : null,
  }
  if (figures.fps === null) notes.fps = 'the video track declares no duration'
  const decoded = await decodeForFigures(bytes, track, options, notes)
  const identitySimilarity = decoded.middleFrame === undefined ? null : await scoreIdentity(options.identity, decoded.middleFrame, notes, options.signal)
  if (decoded.middleFrame === undefined) notes.identitySimilarity = notes.motionEnergy ?? 'no frame could be decoded'
  return { ...figures, motionEnergy: decoded.motionEnergy, identitySimilarity, notes }
}

async function decodeForFigures(
  bytes: Uint8Array,
  track: Mp4VideoTrack,
  options: MeasureOutputOptions,
  notes: Partial<Record<FigureName, string>>,
): Promise<{ motionEnergy: number | null; middleFrame?: RgbaImage }> {
  const unsupported = undecodableReason(track)
  if (unsupported !== undefined) {
    notes.motionEnergy = unsupported
    return { motionEnergy: null }
  }
  const maxFrames = options.maxFrames ?? DEFAULT_MAX_FRAMES
  const measured = Math.min(track.samples.length, maxFrames)
  const middle = Math.floor(measured / 2)
  const meter = new MotionEnergyMeter()
  let middleFrame: DecodedFrame | undefined
  try {
    const summary = await decodeH264Frames(bytes, track, {
      maxFrames,
      ...(options.signal ? { signal: options.signal } : {}),
      onFrame: (frame) => {
        meter.add({ data: frame.planes, width: frame.width, height: frame.height, stride: frame.codedWidth })
        // The last frame up to the middle one (a copy: the decoder reuses its memory).
        if (frame.index <= middle) middleFrame = { ...frame, planes: frame.planes.slice() }
      },
    })
    if (track.samples.length > maxFrames) notes.motionEnergy = `measured over the first ${maxFrames} of ${track.samples.length} frames`
    else if (summary.errors > 0) notes.motionEnergy = `${summary.errors} of ${track.samples.length} frames could not be decoded and were left out`
  } catch (error) {
    options.signal?.throwIfAborted()
    notes.motionEnergy = `the frames could not be decoded: ${(error as Error).message}`
    return { motionEnergy: null }
  }
  const motionEnergy = meter.value()
  if (motionEnergy === undefined) notes.motionEnergy = 'a single frame has no motion to measure'
  return { motionEnergy: motionEnergy === undefined ? null : round(motionEnergy, 4), ...(middleFrame ? { middleFrame: yuvToRgba(middleFrame) } : {}) }
}

async function scoreIdentity(
  identity: IdentityScorer | undefined,
  picture: Uint8Array | RgbaImage,
  notes: Partial<Record<FigureName, string>>,
  signal: AbortSignal | undefined,
): Promise<number | null> {
  if (identity === undefined) {
    notes.identitySimilarity = 'not measured'
    return null
  }
  try {
    return round(await identity(picture), 4)
  } catch (error) {
    signal?.throwIfAborted()
    notes.identitySimilarity = (error as Error).message
    return null
  }
}

function everyFigure(reason: string): Partial<Record<FigureName, string>> {
  return { width: reason, height: reason, durationSeconds: reason, fps: reason, motionEnergy: reason, identitySimilarity: reason }
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits
  return Math.round(value * scale) / scale
}
