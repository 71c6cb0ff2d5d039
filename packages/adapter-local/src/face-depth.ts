import { FACE_OVAL } from './face-regions.js'

/** Depth from the nose tip to the mean of the face outline, in face widths: about that of a real head. */
export const FACE_DEPTH = 0.5

/** The nose tip in Human's face mesh. */
const NOSE_TIP = 1

/**
 * Rescales the landmarks' depth (in place) so the face is `FACE_DEPTH` face widths deep from nose
 * tip to outline. Human's depth values do not scale with the face in the image (a small face in a
 * large photo came out three times deeper, relative to its width, than a large one), and the head
 * turns about that depth: without this, the same nod moved a small face several times further.
 * @returns the face width in pixels (the widest extent of the outline).
 */
export function normalizeFaceDepth(landmarks: Float64Array): number {
  let minX = Infinity
  let maxX = -Infinity
  let outlineZ = 0
  for (const landmark of FACE_OVAL) {
    minX = Math.min(minX, landmarks[landmark * 3]!)
    maxX = Math.max(maxX, landmarks[landmark * 3]!)
    outlineZ += landmarks[landmark * 3 + 2]! / FACE_OVAL.length
  }
  const width = Math.max(1, maxX - minX)
  const depth = outlineZ - landmarks[NOSE_TIP * 3 + 2]!
  if (depth > 1e-6) {
    const scale = (FACE_DEPTH * width) / depth
    for (let index = 2; index < landmarks.length; index += 3) landmarks[index] = (landmarks[index]! - outlineZ) * scale + outlineZ
  }
  return width
}
