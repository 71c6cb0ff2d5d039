import { PortraitAnimatorError, type ExpressionControl, type ExpressionMotion, type Warning } from '@portrait-animator/core'

/** How one project expression control maps onto one fal field. */
export interface FalExpressionMapping {
  /** The project's name (`pupilX`). */
  readonly control: ExpressionControl
  /** fal's field (`pupil_x`). */
  readonly falField: string
  /** The range the project accepts: -1..1 (wink 0..1), or degrees for head angles. */
  readonly projectRange: readonly [min: number, max: number]
  /** fal's range for the field. */
  readonly falRange: readonly [min: number, max: number]
  /** The unit of the project value, for messages. */
  readonly unit: 'unit' | 'degrees'
}

/**
 * The whole mapping from the project's expression units onto fal's `live-portrait` fields. Values
 * map linearly from `projectRange` onto `falRange` (0 stays 0); head angles are degrees on both
 * sides (1:1).
 */
export const FAL_EXPRESSION_TABLE: readonly FalExpressionMapping[] = [
  { control: 'smile', falField: 'smile', projectRange: [-1, 1], falRange: [-2, 2], unit: 'unit' },
  { control: 'blink', falField: 'blink', projectRange: [-1, 1], falRange: [-30, 30], unit: 'unit' },
  { control: 'wink', falField: 'wink', projectRange: [0, 1], falRange: [0, 25], unit: 'unit' },
  { control: 'eyebrow', falField: 'eyebrow', projectRange: [-1, 1], falRange: [-30, 30], unit: 'unit' },
  { control: 'pupilX', falField: 'pupil_x', projectRange: [-1, 1], falRange: [-45, 45], unit: 'unit' },
  { control: 'pupilY', falField: 'pupil_y', projectRange: [-1, 1], falRange: [-45, 45], unit: 'unit' },
  { control: 'aaa', falField: 'aaa', projectRange: [-1, 1], falRange: [-200, 200], unit: 'unit' },
  { control: 'eee', falField: 'eee', projectRange: [-1, 1], falRange: [-40, 40], unit: 'unit' },
  { control: 'woo', falField: 'woo', projectRange: [-1, 1], falRange: [-100, 100], unit: 'unit' },
  { control: 'pitch', falField: 'rotate_pitch', projectRange: [-45, 45], falRange: [-45, 45], unit: 'degrees' },
  { control: 'yaw', falField: 'rotate_yaw', projectRange: [-45, 45], falRange: [-45, 45], unit: 'degrees' },
  { control: 'roll', falField: 'rotate_roll', projectRange: [-45, 45], falRange: [-45, 45], unit: 'degrees' },
]

/** Every expression control fal honours. */
export const FAL_EXPRESSION_CONTROLS: readonly ExpressionControl[] = FAL_EXPRESSION_TABLE.map((entry) => entry.control)

/** The fal fields of an expression plus the warnings for clamped values. */
export interface FalExpressionFields {
  readonly fields: Readonly<Record<string, number>>
  readonly warnings: readonly Warning[]
}

/**
 * Maps the expression controls set on `motion` onto fal's fields. Controls left unset are not
 * sent (fal's default, 0, is neutral). A value outside the project's range is clamped with a
 * `clamped` warning, or rejected with `invalid_input` (field `motion.<name>`) when `strict`.
 *
 * @example
 * ```ts
 * mapFalExpression({ type: 'expression', smile: 0.5, yaw: 10 }, { strict: false })
 * // { fields: { smile: 1, rotate_yaw: 10 }, warnings: [] }
 * ```
 */
export function mapFalExpression(motion: ExpressionMotion, options: { readonly strict: boolean; readonly modelId: string }): FalExpressionFields {
  const fields: Record<string, number> = {}
  const warnings: Warning[] = []
  for (const entry of FAL_EXPRESSION_TABLE) {
    const value = motion[entry.control]
    if (value === undefined) continue
    const field = `motion.${entry.control}`
    const [min, max] = entry.projectRange
    const range = `${min}..${max}${entry.unit === 'degrees' ? ' degrees' : ''}`
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new PortraitAnimatorError({
        kind: 'invalid_input',
        message: `Invalid ${field}: ${String(value)} is not a finite number (accepted: ${range}).`,
        provider: 'fal',
        modelId: options.modelId,
        field,
        rule: 'range',
        limit: range,
        actual: String(value),
      })
    }
    let used = value
    if (value < min || value > max) {
      if (options.strict) {
        throw new PortraitAnimatorError({
          kind: 'invalid_input',
          message: `Invalid ${field}: ${value} is outside ${range}, and strict mode forbids clamping.`,
          provider: 'fal',
          modelId: options.modelId,
          field,
          rule: 'range',
          limit: range,
          actual: value,
        })
      }
      used = Math.min(max, Math.max(min, value))
      warnings.push({
        type: 'clamped',
        setting: field,
        message: `${field} ${value} is outside ${range}; clamped to ${used}.`,
        provider: 'fal',
      })
    }
    fields[entry.falField] = toFalValue(used, entry)
  }
  return { fields, warnings }
}

/** Linear map from the project's range onto fal's, rounded to 4 decimals (no `0.6000000000000001`). */
function toFalValue(value: number, entry: FalExpressionMapping): number {
  const [projectMin, projectMax] = entry.projectRange
  const [falMin, falMax] = entry.falRange
  const mapped = falMin + ((value - projectMin) / (projectMax - projectMin)) * (falMax - falMin)
  const rounded = Math.round(mapped * 10_000) / 10_000
  return rounded === 0 ? 0 : rounded
}

/** The project field (`motion.pupilX`) for a fal expression field (`pupil_x`), if it is one. */
export function requestFieldForFalExpression(falField: string): string | undefined {
  const entry = FAL_EXPRESSION_TABLE.find((item) => item.falField === falField)
  return entry ? `motion.${entry.control}` : undefined
}
