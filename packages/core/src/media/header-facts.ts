/** What a header parser learned about a file, without decoding it. */
export interface HeaderFacts {
  readonly width?: number
  readonly height?: number
  readonly durationSeconds?: number
  /**
   * True when the header is cut short, or the file ends before a size the file itself declares
   * (a RIFF size, a PNG chunk, a missing JPEG end marker, an MP4 box, ...).
   */
  readonly truncated: boolean
  /**
   * Why the header contradicts itself so the content cannot be played, e.g. `the WAV header
   * declares a sample rate of 0 Hz`. Missing when nothing is wrong.
   */
  readonly corrupt?: string
}

/** Mutable builder for `HeaderFacts`. */
export type HeaderFactsDraft = { -readonly [Key in keyof HeaderFacts]: HeaderFacts[Key] }
