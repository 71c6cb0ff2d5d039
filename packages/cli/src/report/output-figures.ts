import { probeMedia } from '@portrait-animator/core'
import { audioDurationSeconds, audioEnvelope, type AudioEnvelope } from '@portrait-animator/core'
import { audioEnvelopeInChromium } from './chromium-audio.js'
import { findChromium } from './find-chromium.js'
import { frameStrip, stripIndexes } from './frame-strip.js'
import type { DecodedFrame } from './h264-frames.js'
import type { IdentityScorer } from './identity-similarity.js'
import { measureLipSync, MouthMotionRecorder } from './lip-sync-figure.js'
import { readMediaContainer, type MediaContainer } from './media-container.js'
import { MotionEnergyMeter } from './motion-energy.js'
import { decodeVideoFrames, type FrameDecoder } from './video-frames.js'
import { yuvToRgba, type RgbaImage } from './yuv-to-rgba.js'

/** The objective figures of one output. A figure is `null` when it could not be measured; `notes` says why. */
export interface OutputFigures {
  readonly bytes: number
  /** The video's codec string (`avc1.64001f`: H.264 High) or the image format (`png`). */
  readonly codec: string | null
  readonly width: number | null
  readonly height: number | null
  readonly durationSeconds: number | null
  readonly fps: number | null
  /** Mean grey-level change between consecutive frames, 0..255; see `MotionEnergyMeter`. */
  readonly motionEnergy: number | null
  /** The change between consecutive frames over time (at most `MOTION_SERIES_POINTS` values), for the chart. */
  readonly motionSeries: readonly number[] | null
  /** 0..1, see `createIdentityScorer`. */
  readonly identitySimilarity: number | null
  /** What decoded the frames: `tinyh264` (Baseline H.264, in process) or `chromium` (WebCodecs). */
  readonly decoder: FrameDecoder | null
  /** Whether the video has an audio track (`null` for stills and unreadable files). */
  readonly hasAudioTrack: boolean | null
  /** Duration of the output's audio track. */
  readonly audioSeconds: number | null
  /** Audio-driven outputs: seconds of input audio that were asked for (`--start`..`--end`, else all of it). */
  readonly inputAudioSeconds: number | null
  /**
   * How late the mouth moves after the sound, in milliseconds (negative: early), against the input
   * speech for audio-driven outputs, else against the clip's own audio track (decoded in Chromium).
   */
  readonly lipSyncOffsetMs: number | null
  /** One sentence per figure that is missing or partial, keyed by the figure's name. */
  readonly notes: Readonly<Partial<Record<FigureName, string>>>
}

/** Names of the measured figures. */
export type FigureName =
  | 'width'
  | 'height'
  | 'durationSeconds'
  | 'fps'
  | 'motionEnergy'
  | 'identitySimilarity'
  | 'hasAudioTrack'
  | 'audioSeconds'
  | 'inputAudioSeconds'
  | 'lipSyncOffsetMs'
  | 'strip'

/** The figures, and the frame strip as a JPEG when one was made. */
export interface MeasuredOutput extends OutputFigures {
  /** Frames side by side (`frameStrip`), when asked for and frames could be decoded. */
  readonly stripImage?: Uint8Array
}

/** The speech an audio-driven output was asked to follow. */
export interface InputAudio {
  readonly bytes: Uint8Array
  readonly startSeconds?: number
  readonly endSeconds?: number
}

/** Options of `measureOutput`. */
export interface MeasureOutputOptions {
  /** Scores a picture of the output against the input portrait; without it identity is not measured. */
  readonly identity?: IdentityScorer
  /** Frames decoded at most for motion energy (long clips are measured over their start). @default 300 */
  readonly maxFrames?: number
  /** The input audio of an audio-driven output: enables the input-audio and lip-sync figures. */
  readonly audio?: InputAudio
  /** Make a strip of frames (`stripImage`). @default false */
  readonly strip?: boolean
  /** Chromium for what tinyh264 cannot decode (a path, or `false` for none). @default findChromium() */
  readonly chromium?: string | false
  readonly signal?: AbortSignal
}

/** Frames decoded at most by default: 12.5 s at 24 fps. */
export const DEFAULT_MAX_FRAMES = 300
/** Points of `motionSeries` at most. */
export const MOTION_SERIES_POINTS = 120

const NOT_AUDIO_DRIVEN = 'not an audio-driven output'

/**
 * Measures an output from its bytes: size, duration and frame rate from its container (read by
 * mediabunny: MP4, MOV, WebM), motion energy and its course over time from the decoded frames,
 * identity similarity between the input face and the output's middle frame (or the image itself
 * for still outputs), the audio track, and for audio-driven outputs the input audio's length and
 * the lip-sync offset. Never throws for bad media: each figure it cannot get is `null` with a note.
 *
 * @example
 * ```ts
 * const figures = await measureOutput(mp4, { identity: createIdentityScorer(portrait), audio: { bytes: wav } })
 * figures.motionEnergy // 0.8
 * figures.lipSyncOffsetMs // 40
 * ```
 */
export async function measureOutput(bytes: Uint8Array, options: MeasureOutputOptions = {}): Promise<MeasuredOutput> {
  const probe = probeMedia(bytes)
  const notes: Partial<Record<FigureName, string>> = {}
  const audioDriven = options.audio !== undefined
  const empty = { motionSeries: null, decoder: null, hasAudioTrack: null, audioSeconds: null, inputAudioSeconds: null, lipSyncOffsetMs: null }
  const base = { bytes: bytes.byteLength, codec: probe.format ?? null, width: probe.width ?? null, height: probe.height ?? null, durationSeconds: probe.durationSeconds ?? null }
  const inputAudioSeconds = audioDriven ? await askedAudioSeconds(options.audio!) : null
  if (audioDriven && inputAudioSeconds === null) notes.inputAudioSeconds = 'the input audio could not be read'
  if (!audioDriven) Object.assign(notes, { inputAudioSeconds: NOT_AUDIO_DRIVEN, lipSyncOffsetMs: NOT_AUDIO_DRIVEN })
  // Without input speech, lip sync can still be measured against the clip's own sound: the note is replaced below when so.
  const still = probe.format === 'jpeg' || probe.format === 'png' || probe.format === 'bmp' || probe.format === 'gif' || (probe.format === 'webp' && probe.durationSeconds === undefined)
  if (still) {
    const why = 'a still image has no frame rate, motion or sound'
    Object.assign(notes, { durationSeconds: why, fps: why, motionEnergy: why, hasAudioTrack: why, audioSeconds: why, strip: why }, audioDriven ? { lipSyncOffsetMs: why } : {})
    const identitySimilarity = await scoreIdentity(options.identity, bytes, notes, options.signal)
    return { ...base, ...empty, inputAudioSeconds, fps: null, motionEnergy: null, identitySimilarity, notes }
  }
  let container: MediaContainer
  try {
    container = await readMediaContainer(bytes)
    if (container.video === null) throw new Error('it has no video track')
  } catch (error) {
    const reason = probe.format === undefined ? 'the output is not a media format this report recognises' : `the ${probe.format.toUpperCase()} could not be read: ${(error as Error).message}`
    const missing: FigureName[] = ['fps', 'motionEnergy', 'identitySimilarity', 'hasAudioTrack', 'audioSeconds', 'strip', ...(audioDriven ? (['lipSyncOffsetMs'] as const) : [])]
    if (probe.format === undefined) missing.push('width', 'height', 'durationSeconds')
    for (const name of missing) notes[name] = reason
    return { ...base, ...empty, inputAudioSeconds, fps: null, motionEnergy: null, identitySimilarity: null, notes }
  }
  const video = container.video!
  const audio = container.audio
  if (audio === null) notes.audioSeconds = 'the output has no audio track'
  const fps = video.fps > 0 ? round(video.fps, 3) : null
  if (fps === null) notes.fps = 'the video track declares no duration'
  const decoded = await decodeForFigures(video, fps ?? 25, { ...options, ...(audio ? { ownAudio: audio } : {}) }, notes)
  const identitySimilarity = decoded.middleFrame === undefined ? null : await scoreIdentity(options.identity, decoded.middleFrame, notes, options.signal)
  if (decoded.middleFrame === undefined) notes.identitySimilarity = notes.motionEnergy ?? 'no frame could be decoded'
  return {
    ...base,
    codec: video.codecString ?? video.codec ?? base.codec,
    width: video.width || base.width,
    height: video.height || base.height,
    durationSeconds: round(video.durationSeconds, 3) || base.durationSeconds,
    fps,
    motionEnergy: decoded.motionEnergy,
    motionSeries: decoded.motionSeries,
    identitySimilarity,
    decoder: decoded.decoder,
    hasAudioTrack: audio !== null,
    audioSeconds: audio === null ? null : round(audio.durationSeconds, 3),
    inputAudioSeconds,
    lipSyncOffsetMs: decoded.lipSyncOffsetMs,
    notes,
    ...(decoded.stripImage ? { stripImage: decoded.stripImage } : {}),
  }
}

interface DecodedFigures {
  readonly motionEnergy: number | null
  readonly motionSeries: number[] | null
  readonly decoder: FrameDecoder | null
  readonly lipSyncOffsetMs: number | null
  readonly middleFrame?: RgbaImage
  readonly stripImage?: Uint8Array
}

async function decodeForFigures(
  video: NonNullable<MediaContainer['video']>,
  fps: number,
  options: MeasureOutputOptions & { readonly ownAudio?: NonNullable<MediaContainer['audio']> },
  notes: Partial<Record<FigureName, string>>,
): Promise<DecodedFigures> {
  const maxFrames = options.maxFrames ?? DEFAULT_MAX_FRAMES
  const measured = Math.max(1, Math.min(video.frameCount, maxFrames))
  const middle = Math.floor(measured / 2)
  const wanted = new Set(options.strip ? stripIndexes(measured) : [])
  const meter = new MotionEnergyMeter()
  // Lip sync against the input speech, or else against the clip's own sound.
  const speech = speechSource(options)
  const mouth = speech ? new MouthMotionRecorder() : undefined
  const stripFrames: RgbaImage[] = []
  let middleFrame: DecodedFrame | undefined
  let decoder: FrameDecoder
  try {
    const summary = await decodeVideoFrames(video, {
      maxFrames,
      ...(options.chromium === undefined ? {} : { chromium: options.chromium }),
      ...(options.signal ? { signal: options.signal } : {}),
      onFrame: (frame) => {
        meter.add({ data: frame.planes, width: frame.width, height: frame.height, stride: frame.codedWidth })
        mouth?.add(frame)
        // The last frame up to the middle one (a copy: the decoder may reuse its memory).
        if (frame.index <= middle) middleFrame = { ...frame, planes: frame.planes.slice() }
        if (wanted.has(frame.index)) stripFrames.push(yuvToRgba(frame))
      },
    })
    decoder = summary.decoder
    if (video.frameCount > maxFrames) notes.motionEnergy = `measured over the first ${maxFrames} of ${video.frameCount} frames`
    else if (summary.errors > 0) notes.motionEnergy = `${summary.errors} of ${video.frameCount} frames could not be decoded and were left out`
  } catch (error) {
    options.signal?.throwIfAborted()
    const reason = (error as Error).message
    notes.motionEnergy = reason
    notes.strip = reason
    if (speech) notes.lipSyncOffsetMs = reason
    return { motionEnergy: null, motionSeries: null, decoder: null, lipSyncOffsetMs: null }
  }
  const motionEnergy = meter.value()
  if (motionEnergy === undefined) notes.motionEnergy = 'a single frame has no motion to measure'
  const rgbaMiddle = middleFrame ? yuvToRgba(middleFrame) : undefined
  let lipSyncOffsetMs: number | null = null
  if (speech && mouth && rgbaMiddle) {
    const lipSync = await measureLipSync(mouth, rgbaMiddle, speech, fps)
    if ('offsetMs' in lipSync) {
      lipSyncOffsetMs = lipSync.offsetMs
      if (!options.audio) notes.lipSyncOffsetMs = "measured against the clip's own audio track"
    } else notes.lipSyncOffsetMs = lipSync.reason
  }
  let stripImage: Uint8Array | undefined
  if (options.strip && stripFrames.length > 0) stripImage = await frameStrip(stripFrames)
  return {
    motionEnergy: motionEnergy === undefined ? null : round(motionEnergy, 4),
    motionSeries: motionEnergy === undefined ? null : meter.series(MOTION_SERIES_POINTS).map((value) => round(value, 3)),
    decoder,
    lipSyncOffsetMs,
    ...(rgbaMiddle ? { middleFrame: rgbaMiddle } : {}),
    ...(stripImage ? { stripImage } : {}),
  }
}

/** Where the speech for lip sync comes from: the input audio when given, else the clip's own track through Chromium, else nowhere. */
function speechSource(options: MeasureOutputOptions & { readonly ownAudio?: NonNullable<MediaContainer['audio']> }): ((rate: number) => Promise<AudioEnvelope>) | undefined {
  const input = options.audio
  if (input) {
    return (rate) => audioEnvelope(input.bytes, { rate, ...(input.startSeconds === undefined ? {} : { startSeconds: input.startSeconds }), ...(input.endSeconds === undefined ? {} : { endSeconds: input.endSeconds }) })
  }
  const own = options.ownAudio
  const chromium = options.chromium === undefined ? findChromium() : options.chromium
  if (own === undefined || !chromium) return undefined
  return (rate) => audioEnvelopeInChromium(own, chromium, { rate, ...(options.signal ? { signal: options.signal } : {}) })
}

async function askedAudioSeconds(audio: InputAudio): Promise<number | null> {
  const total = await audioDurationSeconds(audio.bytes)
  const end = Math.min(audio.endSeconds ?? total ?? Number.NaN, total ?? Number.POSITIVE_INFINITY)
  const seconds = end - (audio.startSeconds ?? 0)
  return Number.isFinite(seconds) && seconds > 0 ? round(seconds, 3) : null
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

function round(value: number, digits: number): number {
  const scale = 10 ** digits
  return Math.round(value * scale) / scale
}
