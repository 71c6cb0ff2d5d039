/** A rectangle of pixels, `right` and `bottom` exclusive. */
export interface PixelBounds {
  readonly left: number
  readonly top: number
  readonly right: number
  readonly bottom: number
}

/** `region` (the whole frame when undefined) grown to even edges and clipped to the frame: the pixels whose 2x2 chroma blocks it touches. */
export function evenBounds(width: number, height: number, region?: PixelBounds): PixelBounds {
  if (region === undefined) return { left: 0, top: 0, right: width, bottom: height }
  return {
    left: Math.max(0, region.left & ~1),
    top: Math.max(0, region.top & ~1),
    right: Math.min(width, (region.right + 1) & ~1),
    bottom: Math.min(height, (region.bottom + 1) & ~1),
  }
}

/**
 * Converts an RGBA frame to planar YUV 4:2:0 (I420) with the BT.601 matrix: Y, then U and V at
 * half resolution, each chroma sample the average of its 2x2 block (not one pixel of it, which
 * aliases colour edges). `range` `limited` maps to 16..235 (Y) and 16..240 (U, V).
 * @param target `width * height * 3 / 2` bytes, reused between frames.
 * @param region only the pixels inside it are converted (grown to even edges); the rest of
 * `target` is kept, e.g. from the previous frame when only that region changed.
 */
export function rgbaToI420(rgba: Uint8Array, width: number, height: number, range: 'limited' | 'full', target: Uint8Array, region?: PixelBounds): Uint8Array {
  const { left, top, right, bottom } = evenBounds(width, height, region)
  const limited = range === 'limited'
  const lumaScale = limited ? 219 / 255 : 1
  const lumaOffset = limited ? 16.5 : 0.5
  const chromaScale = limited ? 224 / 255 : 1
  const chromaWidth = width >> 1
  const uStart = width * height
  const vStart = uStart + chromaWidth * (height >> 1)
  for (let y = top; y < bottom; y++) {
    let source = (y * width + left) * 4
    let out = y * width + left
    for (let x = left; x < right; x++, source += 4, out++) {
      target[out] = (lumaScale * (0.299 * rgba[source]! + 0.587 * rgba[source + 1]! + 0.114 * rgba[source + 2]!) + lumaOffset) | 0
    }
  }
  for (let y = top >> 1; y < bottom >> 1; y++) {
    const upperRow = 2 * y * width * 4
    const lowerRow = upperRow + width * 4
    for (let x = left >> 1; x < right >> 1; x++) {
      const a = upperRow + 8 * x
      const b = lowerRow + 8 * x
      const red = (rgba[a]! + rgba[a + 4]! + rgba[b]! + rgba[b + 4]!) * 0.25
      const green = (rgba[a + 1]! + rgba[a + 5]! + rgba[b + 1]! + rgba[b + 5]!) * 0.25
      const blue = (rgba[a + 2]! + rgba[a + 6]! + rgba[b + 2]! + rgba[b + 6]!) * 0.25
      const index = y * chromaWidth + x
      // Full range reaches 256 for a pure blue or red: clamp, as a Uint8Array would wrap it to 0.
      target[uStart + index] = Math.min(255, (chromaScale * (-0.168736 * red - 0.331264 * green + 0.5 * blue) + 128.5) | 0)
      target[vStart + index] = Math.min(255, (chromaScale * (0.5 * red - 0.418688 * green - 0.081312 * blue) + 128.5) | 0)
    }
  }
  return target
}
