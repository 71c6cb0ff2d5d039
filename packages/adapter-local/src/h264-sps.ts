/** What to change in an H.264 sequence parameter set. */
export interface SpsRewrite {
  /** `level_idc`, e.g. 30 for level 3.0. */
  readonly levelIdc: number
  /** Written as the VUI's video signal type (`video_full_range_flag` and the colour description). */
  readonly fullRange: boolean
  readonly colour: { readonly primaries: number; readonly transfer: number; readonly matrix: number }
}

/**
 * Rewrites a Baseline-profile SPS NAL unit (header byte included, emulation prevention applied)
 * with another level and a VUI that signals the colour range and description. Everything up to
 * the VUI flag is kept bit for bit.
 * @throws Error for an SPS this does not handle (a profile with chroma fields, or one that already has a VUI).
 */
export function rewriteSps(nal: Uint8Array, rewrite: SpsRewrite): Uint8Array {
  const rbsp = removeEmulationPrevention(nal.subarray(1))
  const profile = rbsp[0]!
  if (profile !== 66 && profile !== 77 && profile !== 88) throw new Error(`SPS of profile ${profile} is not handled`)
  const reader = new BitReader(rbsp, 3 * 8)
  skipToVuiFlag(reader)
  const vuiAt = reader.position
  if (reader.bit() === 1) throw new Error('the SPS already has a VUI')

  const writer = new BitWriter()
  for (let index = 0; index < 3; index++) writer.bits(index === 2 ? rewrite.levelIdc : rbsp[index]!, 8)
  for (let position = 24; position < vuiAt; position++) writer.bits((rbsp[position >> 3]! >> (7 - (position & 7))) & 1, 1)
  writer.bits(1, 1) // vui_parameters_present_flag
  writer.bits(0, 1) // aspect_ratio_info_present_flag
  writer.bits(0, 1) // overscan_info_present_flag
  writer.bits(1, 1) // video_signal_type_present_flag
  writer.bits(5, 3) // video_format: unspecified
  writer.bits(rewrite.fullRange ? 1 : 0, 1)
  writer.bits(1, 1) // colour_description_present_flag
  writer.bits(rewrite.colour.primaries, 8)
  writer.bits(rewrite.colour.transfer, 8)
  writer.bits(rewrite.colour.matrix, 8)
  writer.bits(0, 1) // chroma_loc_info_present_flag
  writer.bits(0, 1) // timing_info_present_flag
  writer.bits(0, 1) // nal_hrd_parameters_present_flag
  writer.bits(0, 1) // vcl_hrd_parameters_present_flag
  writer.bits(0, 1) // pic_struct_present_flag
  writer.bits(0, 1) // bitstream_restriction_flag
  writer.bits(1, 1) // rbsp_stop_one_bit
  return Uint8Array.from([nal[0]!, ...addEmulationPrevention(writer.bytes())])
}

/** Reads `level_idc` and the VUI's `video_full_range_flag` back (undefined when there is no VUI signal type): for tests. */
export function readSpsSignal(nal: Uint8Array): { levelIdc: number; fullRange?: boolean; matrix?: number } {
  const rbsp = removeEmulationPrevention(nal.subarray(1))
  const reader = new BitReader(rbsp, 24)
  skipToVuiFlag(reader)
  if (reader.bit() === 0) return { levelIdc: rbsp[2]! }
  if (reader.bit() === 1 && reader.read(8) === 255) reader.read(32)
  if (reader.bit() === 1) reader.bit()
  if (reader.bit() === 0) return { levelIdc: rbsp[2]! }
  reader.read(3)
  const fullRange = reader.bit() === 1
  if (reader.bit() === 0) return { levelIdc: rbsp[2]!, fullRange }
  reader.read(16)
  return { levelIdc: rbsp[2]!, fullRange, matrix: reader.read(8) }
}

/** Reads an SPS from `seq_parameter_set_id` up to (not including) `vui_parameters_present_flag`. */
function skipToVuiFlag(reader: BitReader): void {
  reader.ue() // seq_parameter_set_id
  reader.ue() // log2_max_frame_num_minus4
  const pocType = reader.ue()
  if (pocType === 0) reader.ue()
  else if (pocType === 1) {
    reader.bit()
    reader.se()
    reader.se()
    const cycle = reader.ue()
    for (let index = 0; index < cycle; index++) reader.se()
  }
  reader.ue() // max_num_ref_frames
  reader.bit() // gaps_in_frame_num_value_allowed_flag
  reader.ue() // pic_width_in_mbs_minus1
  reader.ue() // pic_height_in_map_units_minus1
  if (reader.bit() === 0) reader.bit() // frame_mbs_only_flag, mb_adaptive_frame_field_flag
  reader.bit() // direct_8x8_inference_flag
  if (reader.bit() === 1) for (let index = 0; index < 4; index++) reader.ue() // frame cropping
}

function removeEmulationPrevention(bytes: Uint8Array): Uint8Array {
  const out: number[] = []
  for (let index = 0; index < bytes.length; index++) {
    if (index >= 2 && bytes[index] === 3 && bytes[index - 1] === 0 && bytes[index - 2] === 0 && out.at(-1) === 0 && out.at(-2) === 0) continue
    out.push(bytes[index]!)
  }
  return Uint8Array.from(out)
}

function addEmulationPrevention(bytes: Uint8Array): number[] {
  const out: number[] = []
  let zeros = 0
  for (const byte of bytes) {
    if (zeros >= 2 && byte <= 3) {
      out.push(3)
      zeros = 0
    }
    out.push(byte)
    zeros = byte === 0 ? zeros + 1 : 0
  }
  return out
}

class BitReader {
  constructor(
    private readonly bytes: Uint8Array,
    public position: number,
  ) {}

  bit(): number {
    const value = ((this.bytes[this.position >> 3] ?? 0) >> (7 - (this.position & 7))) & 1
    this.position++
    return value
  }

  read(count: number): number {
    let value = 0
    for (let index = 0; index < count; index++) value = value * 2 + this.bit()
    return value
  }

  ue(): number {
    let zeros = 0
    while (this.bit() === 0) {
      zeros++
      if (zeros > 31) throw new Error('malformed exp-Golomb code in the SPS')
    }
    return 2 ** zeros - 1 + this.read(zeros)
  }

  se(): number {
    const value = this.ue()
    return value % 2 === 1 ? (value + 1) / 2 : -value / 2
  }
}

class BitWriter {
  private readonly out: number[] = []
  private current = 0
  private used = 0

  bits(value: number, count: number): void {
    for (let index = count - 1; index >= 0; index--) {
      this.current = (this.current << 1) | (Math.floor(value / 2 ** index) & 1)
      if (++this.used === 8) {
        this.out.push(this.current)
        this.current = 0
        this.used = 0
      }
    }
  }

  /** The bytes written, the last one padded with zero bits (after the stop bit). */
  bytes(): Uint8Array {
    return Uint8Array.from(this.used === 0 ? this.out : [...this.out, this.current << (8 - this.used)])
  }
}
