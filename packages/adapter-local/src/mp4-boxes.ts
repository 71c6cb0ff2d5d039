import { allMp4Boxes } from '@portrait-animator/core/light'

/**
 * Sets the creation and modification times of `mvhd`, `tkhd` and `mdhd` to zero (in place), so
 * the same frames always give the same bytes.
 */
export function clearMp4Timestamps(bytes: Uint8Array): Uint8Array {
  for (const box of allMp4Boxes(bytes)) {
    if (box.type !== 'mvhd' && box.type !== 'tkhd' && box.type !== 'mdhd') continue
    const version = bytes[box.contentStart]
    // version 0: two 32-bit times after version and flags; version 1: two 64-bit times.
    bytes.fill(0, box.contentStart + 4, box.contentStart + 4 + (version === 1 ? 16 : 8))
  }
  return bytes
}
