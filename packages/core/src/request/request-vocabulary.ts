import type { ExpressionControl, Framing, MotionType, OutputFormat, OutputKind, PresetName } from '../spec/index.js'

/**
 * The spec's names as runtime lists, for validating requests that come from JSON or JavaScript.
 * `Exhaustive` makes the compiler fail here when the spec gains a name these lists miss.
 */
type Exhaustive<Union extends string, List extends readonly Union[]> = [Exclude<Union, List[number]>] extends [never] ? List : never

const motionTypes = ['preset', 'expression', 'driving-video', 'audio'] as const
const presetNames = ['live-photo', 'nod', 'smile', 'blink', 'idle'] as const
const framings = ['head', 'full-body'] as const
const expressionControls = ['smile', 'blink', 'wink', 'eyebrow', 'pupilX', 'pupilY', 'aaa', 'eee', 'woo', 'pitch', 'yaw', 'roll'] as const
const outputKinds = ['video', 'image'] as const
const outputFormats = ['mp4', 'webp', 'jpeg', 'png'] as const

/** Every `motion.type`. */
export const MOTION_TYPES: Exhaustive<MotionType, typeof motionTypes> = motionTypes
/** Every preset name. */
export const PRESET_NAMES: Exhaustive<PresetName, typeof presetNames> = presetNames
/** Every framing. */
export const FRAMINGS: Exhaustive<Framing, typeof framings> = framings
/** Every expression control (`smile`, `blink`, ..., `roll`). */
export const EXPRESSION_CONTROLS: Exhaustive<ExpressionControl, typeof expressionControls> = expressionControls
/** Every output kind. */
export const OUTPUT_KINDS: Exhaustive<OutputKind, typeof outputKinds> = outputKinds
/** Every output format. */
export const OUTPUT_FORMATS: Exhaustive<OutputFormat, typeof outputFormats> = outputFormats
