/** What an H.264 decoder needs from the MP4's `avcC` record before the first frame. */
export interface AvcConfig {
  /** `profile_idc`: 66 Baseline, 77 Main, 100 High, ... */
  readonly profile: number
  /** The constraint flags byte (`constraint_set0..5`), bit 7 first. */
  readonly constraints: number
  /** Bytes of the big-endian length in front of each NAL unit of a sample (1, 2 or 4). */
  readonly nalLengthSize: number
  /** The SPS then PPS NAL units. */
  readonly parameterSets: readonly Uint8Array[]
}

/**
 * Parses an `AVCDecoderConfigurationRecord` (ISO/IEC 14496-15, the `avcC` box's content, which
 * mediabunny hands over as the decoder config's `description`). Hand-written because tinyh264
 * takes parameter sets as separate NAL units and mediabunny exposes the record only as bytes.
 *
 * @throws RangeError when the record is cut short.
 * @example
 * ```ts
 * parseAvcConfig(video.decoderConfig.description).profile // 100 (High)
 * ```
 */
export function parseAvcConfig(record: Uint8Array): AvcConfig {
  const byte = (offset: number) => {
    const value = record[offset]
    if (value === undefined) throw new RangeError('the avcC record is cut short')
    return value
  }
  const parameterSets: Uint8Array[] = []
  let offset = 5
  for (const mask of [0x1f, 0xff]) {
    const count = byte(offset) & mask
    offset += 1
    for (let index = 0; index < count; index++) {
      const length = (byte(offset) << 8) | byte(offset + 1)
      if (offset + 2 + length > record.length) throw new RangeError('the avcC record is cut short')
      parameterSets.push(record.subarray(offset + 2, offset + 2 + length))
      offset += 2 + length
    }
  }
  return { profile: byte(1), constraints: byte(2), nalLengthSize: (byte(4) & 3) + 1, parameterSets }
}

/** True when the stream keeps to Baseline (profile 66, or constraint_set0 set), which tinyh264 decodes. */
export function isBaseline(config: AvcConfig): boolean {
  return config.profile === 66 || (config.constraints & 0x80) !== 0
}

/** The profile's name, e.g. `High`. */
export function profileName(profile: number): string {
  const names: Record<number, string> = { 66: 'Baseline', 77: 'Main', 88: 'Extended', 100: 'High', 110: 'High 10', 122: 'High 4:2:2', 244: 'High 4:4:4' }
  return names[profile] ?? `profile_idc ${profile}`
}
