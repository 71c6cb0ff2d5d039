import type { PresetName } from '@portrait-animator/core'

/**
 * The pose and expression of the face in one frame. Angles in degrees (positive pitch looks up,
 * positive yaw turns to the image's right, positive roll tilts clockwise); the other controls run
 * from -1 to 1 with 0 neutral, as in the provider-neutral `Expression`.
 */
export interface FaceState {
  readonly pitch: number
  readonly yaw: number
  readonly roll: number
  readonly smile: number
  /** Both eyes: 1 closed, negative opens them wider. */
  readonly blink: number
  /** The eye on the image's right only: 1 closed. */
  readonly wink: number
  readonly eyebrow: number
  readonly pupilX: number
  readonly pupilY: number
  /** Breathing, 0..1: the head and neck rise a little (about 0.005 face widths at 1). */
  readonly breath: number
}

/** The face as photographed. */
export const NEUTRAL_FACE: FaceState = { pitch: 0, yaw: 0, roll: 0, smile: 0, blink: 0, wink: 0, eyebrow: 0, pupilX: 0, pupilY: 0, breath: 0 }

/** How long each preset plays, in seconds. `live-photo` matches the retired AILabTools clip. */
export const PRESET_SECONDS: Readonly<Record<PresetName, number>> = {
  'live-photo': 3,
  nod: 2,
  smile: 2,
  blink: 1,
  idle: 3,
}

/** A smooth bump: 0 outside `[center - width/2, center + width/2]`, 1 at `center`, raised cosine between. */
export function bump(time: number, center: number, width: number): number {
  const start = center - width / 2
  if (time <= start || time >= start + width) return 0
  return 0.5 - 0.5 * Math.cos((2 * Math.PI * (time - start)) / width)
}

/**
 * A blink: 0 until `closing` before `peak`, 1 at `peak`, 0 again `opening` after it (raised-cosine
 * halves; times in clip fractions). A lid closes faster than it opens: a slower opening spreads
 * the largest change of the clip (the lid lifting, the lash line fading) over more frames.
 */
export function blinkCurve(time: number, peak: number, closing: number, opening: number): number {
  if (time <= peak - closing || time >= peak + opening) return 0
  const half = time < peak ? closing : opening
  return 0.5 + 0.5 * Math.cos((Math.PI * (time - peak)) / half)
}

/**
 * A glance: 0 before `start`, 1 from a moment after it until `end`, back to 0 just after; each
 * move takes `rise` of the clip (a saccade is quick: two or three frames).
 */
export function glance(time: number, start: number, end: number, rise = 0.03): number {
  const edge = (value: number): number => (value <= 0 ? 0 : value >= 1 ? 1 : value * value * (3 - 2 * value))
  return edge((time - start) / rise) * (1 - edge((time - end) / rise))
}

/** One full smooth cycle over the clip, so looping clips join without a jump. */
function wave(time: number, phase = 0): number {
  return Math.sin(2 * Math.PI * time + phase)
}

/** One breath over the clip: 0 at both ends with no speed there, 1 in the middle. */
function breathe(time: number): number {
  return 0.5 - 0.5 * Math.cos(2 * Math.PI * time)
}

/**
 * The face state at `time` (0 = start, 1 = end of the clip) of a preset. Every preset starts and
 * ends on the neutral face, so the clips loop seamlessly.
 */
export function presetFace(preset: PresetName, time: number): FaceState {
  switch (preset) {
    case 'live-photo':
      // A nod down and back with a slight turn, a smile that rises and fades, one blink near the end.
      // The head moves about 0.03 face widths at most (the rig's geometry is in face widths). With a
      // 3.5-degree nod, the face outline Human finds in the decoded frames moved 0.027-0.040 face
      // widths over the quality set (0.040 on two faces side by side, at the target's edge); 3 degrees
      // down keeps every portrait inside 0.02-0.04 on both encoders (0.029-0.039). The head rises 2
      // degrees past rest on the way back: that keeps the median frame step up, against which the
      // WebAssembly encoder's fixed loop-point rounding is measured (the dark photo's loop step:
      // 1.59x the median with a 1.26-degree rise, 1.42x with 2).
      return {
        ...NEUTRAL_FACE,
        pitch: -3 * bump(time, 0.35, 0.7) + 2 * bump(time, 0.8, 0.4),
        yaw: 1.6 * wave(time),
        roll: 1 * wave(time, Math.PI / 3) * bump(time, 0.5, 1),
        smile: 0.85 * bump(time, 0.45, 0.7),
        // The lids close in 0.15 s and open in 0.27 s: with the smaller nod the median frame step is
        // smaller, and a lid lifting in 0.2 s became the clip's largest step (small face: 1.53x).
        // The peak is at frame 56 of 72 (0.77), so the lids are open again by frame 62, well before
        // the loop point (at 0.86 the opening ran to frame 68 and was two faces' largest step on the
        // WebAssembly path, 1.50x).
        blink: blinkCurve(time, 0.77, 0.05, 0.09),
        // Small saccades: a glance aside and one down and back; the eyes otherwise hold the camera.
        pupilX: 0.22 * glance(time, 0.16, 0.34) - 0.18 * glance(time, 0.56, 0.7),
        pupilY: -0.12 * glance(time, 0.56, 0.7),
        // One slow breath over the clip (a raised cosine: still at the loop point).
        breath: breathe(time),
      }
    case 'nod':
      return { ...NEUTRAL_FACE, pitch: -7 * bump(time, 0.25, 0.5) + 4 * bump(time, 0.72, 0.45) }
    case 'smile':
      return { ...NEUTRAL_FACE, smile: 0.9 * bump(time, 0.5, 0.9) }
    case 'blink':
      return { ...NEUTRAL_FACE, blink: bump(time, 0.5, 0.3) }
    case 'idle':
      return {
        ...NEUTRAL_FACE,
        pitch: 1.2 * wave(time),
        yaw: 1.8 * wave(time, 1),
        roll: 0.8 * wave(time, 2),
        blink: bump(time, 0.7, 0.1),
        pupilX: 0.2 * glance(time, 0.2, 0.45),
        breath: breathe(time),
      }
  }
}

/** Frame count of a clip. */
export function frameCount(seconds: number, fps: number): number {
  return Math.max(1, Math.round(seconds * fps))
}

/** Every frame of a preset at `fps`. */
export function presetTimeline(preset: PresetName, fps: number): FaceState[] {
  const frames = frameCount(PRESET_SECONDS[preset], fps)
  return Array.from({ length: frames }, (_, frame) => presetFace(preset, frame / frames))
}

/** A clip that eases from the neutral face into `target` over its first half, then holds it. */
export function expressionTimeline(target: FaceState, fps: number, seconds = 2): FaceState[] {
  const frames = frameCount(seconds, fps)
  return Array.from({ length: frames }, (_, frame) => {
    const time = frames === 1 ? 1 : frame / (frames - 1)
    const amount = time >= 0.5 ? 1 : 0.5 - 0.5 * Math.cos(2 * Math.PI * time)
    return mixFaces(NEUTRAL_FACE, target, amount)
  })
}

/** `from` moved towards `to` by `amount` (0..1). */
export function mixFaces(from: FaceState, to: FaceState, amount: number): FaceState {
  const mixed = {} as Record<keyof FaceState, number>
  for (const key of Object.keys(from) as (keyof FaceState)[]) mixed[key] = from[key] + (to[key] - from[key]) * amount
  return mixed
}
