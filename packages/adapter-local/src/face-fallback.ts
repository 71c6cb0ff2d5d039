import { FACE_MESH_POINTS } from './face-landmarks.js'

/** Below this detection score the landmarks are too unsure to warp a face. */
export const MIN_FACE_SCORE = 0.7
/** Largest ratio of the nose tip's distances to the two sides of the face: beyond it the head is turned too far (about 35 degrees) for the warp. */
export const MAX_TURN_RATIO = 2.2

/**
 * Why a detected face should not be warped (a profile, or a detection the model is unsure of),
 * or `undefined` when it can be. The caller falls back to the gentle whole-image motion and says so.
 */
export function faceFallbackReason(score: number, points: Float64Array): string | undefined {
  if (score < MIN_FACE_SCORE) return `the face was found with low confidence (${score.toFixed(2)})`
  if (points.length < FACE_MESH_POINTS * 3) return 'the face landmarks are incomplete'
  const distance = (first: number, second: number): number => Math.hypot(points[first * 3]! - points[second * 3]!, points[first * 3 + 1]! - points[second * 3 + 1]!)
  // Nose tip (1) to the outline beside each ear (234 on the image's left, 454 on its right).
  const left = distance(1, 234)
  const right = distance(1, 454)
  const ratio = Math.max(left, right) / Math.max(1e-6, Math.min(left, right))
  if (ratio > MAX_TURN_RATIO) return 'the head is turned too far from the camera (a profile)'
  return undefined
}
