/**
 * Landmark indices of Human's 468-point face mesh (MediaPipe topology) used by the warp, plus the
 * 10 iris points Human appends (468..477).
 */

/** The face outline, clockwise from the top of the forehead. */
export const FACE_OVAL = [
  10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234,
  127, 162, 21, 54, 103, 67, 109,
] as const

/** One eye: lid contours from corner to corner (both start at the same corner and end at the other) and its brow. */
export interface EyeRegion {
  readonly upperLid: readonly number[]
  readonly lowerLid: readonly number[]
  readonly brow: readonly number[]
}

/** The eye that sits on the image's left in a frontal portrait (the subject's right eye). */
export const IMAGE_LEFT_EYE: EyeRegion = {
  upperLid: [33, 246, 161, 160, 159, 158, 157, 173, 133],
  lowerLid: [33, 7, 163, 144, 145, 153, 154, 155, 133],
  brow: [70, 63, 105, 66, 107, 46, 53, 52, 65, 55],
}

/** The eye that sits on the image's right in a frontal portrait (the subject's left eye). */
export const IMAGE_RIGHT_EYE: EyeRegion = {
  upperLid: [263, 466, 388, 387, 386, 385, 384, 398, 362],
  lowerLid: [263, 249, 390, 373, 374, 380, 381, 382, 362],
  brow: [300, 293, 334, 296, 336, 276, 283, 282, 295, 285],
}

/** The two iris groups Human appends: centre then four rim points. */
export const IRIS_GROUPS = [
  [468, 469, 470, 471, 472],
  [473, 474, 475, 476, 477],
] as const

/** Outer mouth corners. */
export const MOUTH_CORNERS = [61, 291] as const
/** Inner mouth corners, beside the outer ones. */
export const INNER_MOUTH_CORNERS = [78, 308] as const
/** Cheek points lifted a little by a smile. */
export const CHEEKS = [205, 425] as const
/** The inner edge of the lips, as a closed outline: upper lip from corner to corner, then the lower lip back. */
export const INNER_LIPS = [78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308, 324, 318, 402, 317, 14, 87, 178, 88, 95] as const
