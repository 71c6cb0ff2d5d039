/**
 * A setting a target could not honour as asked. Warnings are never silently dropped: they travel
 * on the result, and `strict: true` turns them into errors.
 */
export interface Warning {
  /**
   * - `unsupported`: the setting was ignored.
   * - `clamped`: a value was brought into the provider's range.
   * - `translated`: the request was served in another way (a preset through a driving clip, ...).
   * - `generative`: the motion was generated from a prompt and may differ from the request.
   * - `face`: something about the face (several faces, no face and a whole-image fallback).
   * - `other`: anything else worth knowing.
   */
  readonly type: 'unsupported' | 'clamped' | 'translated' | 'generative' | 'face' | 'other'
  /** The request setting concerned, as a path (`motion.smile`, `output.format`). */
  readonly setting?: string
  /** One sentence a user can read. */
  readonly message: string
  /** The provider that raised it. */
  readonly provider?: string
}
