import { falDetail, type FalErrorDetail } from './fal-errors.js'

/** How one input field is checked. */
export type FalFieldRule =
  | { readonly kind: 'url'; readonly required: true; readonly media: 'image' | 'video' | 'audio' }
  | { readonly kind: 'number'; readonly min?: number; readonly max?: number; readonly integer?: boolean }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'string' }

/** One fal endpoint the emulator serves. */
export interface FalModel {
  /** What is submitted to: `fal-ai/live-portrait/image`. */
  readonly endpointId: string
  /** What status, result and cancel use (the endpoint without its sub-path): `fal-ai/live-portrait`. */
  readonly appId: string
  readonly output: 'video' | 'image'
  /** The field holding the portrait. */
  readonly faceField: string
  /** The field whose media length sets the output length, if any. */
  readonly durationField?: string
  readonly fields: Readonly<Record<string, FalFieldRule>>
  /** The longest media of `durationField` the input allows, in seconds, with fal's message. */
  readonly maxDuration?: (input: Readonly<Record<string, unknown>>) => { readonly seconds: number; readonly message: string }
  /** Whether the result carries the output's `duration` in seconds (fal's talking-avatar endpoints). */
  readonly reportsDuration?: boolean
}

const range = (min: number, max: number): FalFieldRule => ({ kind: 'number', min, max })
const NUMBER: FalFieldRule = { kind: 'number' }
const INTEGER: FalFieldRule = { kind: 'number', integer: true }
const BOOLEAN: FalFieldRule = { kind: 'boolean' }
const STRING: FalFieldRule = { kind: 'string' }

/** Expression ranges from providers.md (the `/image` variant is assumed to share them). */
const EXPRESSIONS: Readonly<Record<string, FalFieldRule>> = {
  blink: range(-30, 30),
  eyebrow: range(-30, 30),
  wink: range(0, 25),
  pupil_x: range(-45, 45),
  pupil_y: range(-45, 45),
  aaa: range(-200, 200),
  eee: range(-40, 40),
  woo: range(-100, 100),
  smile: range(-2, 2),
  rotate_pitch: range(-45, 45),
  rotate_yaw: range(-45, 45),
  rotate_roll: range(-45, 45),
}

const CROP_AND_PLACEMENT: Readonly<Record<string, FalFieldRule>> = {
  flag_lip_zero: BOOLEAN,
  flag_pasteback: BOOLEAN,
  flag_do_crop: BOOLEAN,
  flag_do_rot: BOOLEAN,
  dsize: INTEGER,
  scale: NUMBER,
  vx_ratio: NUMBER,
  vy_ratio: NUMBER,
  enable_safety_checker: BOOLEAN,
}

/** What fal's talking-avatar endpoints share (AIAvatarOutput): a portrait and a speech track in, a video as long as the speech out. */
const TALKING_AVATAR = {
  output: 'video',
  faceField: 'image_url',
  durationField: 'audio_url',
  reportsDuration: true,
} as const satisfies Partial<FalModel>

/** The inputs every talking-avatar endpoint takes. */
const TALKING_AVATAR_FIELDS: Readonly<Record<string, FalFieldRule>> = {
  image_url: { kind: 'url', required: true, media: 'image' },
  audio_url: { kind: 'url', required: true, media: 'audio' },
  prompt: STRING,
}

const MODELS: readonly FalModel[] = [
  {
    endpointId: 'fal-ai/live-portrait',
    appId: 'fal-ai/live-portrait',
    output: 'video',
    faceField: 'image_url',
    durationField: 'video_url',
    fields: {
      video_url: { kind: 'url', required: true, media: 'video' },
      image_url: { kind: 'url', required: true, media: 'image' },
      ...EXPRESSIONS,
      ...CROP_AND_PLACEMENT,
      flag_eye_retargeting: BOOLEAN,
      flag_lip_retargeting: BOOLEAN,
      flag_stitching: BOOLEAN,
      flag_relative: BOOLEAN,
      batch_size: INTEGER,
    },
  },
  {
    endpointId: 'fal-ai/live-portrait/image',
    appId: 'fal-ai/live-portrait',
    output: 'image',
    faceField: 'image_url',
    fields: {
      image_url: { kind: 'url', required: true, media: 'image' },
      ...EXPRESSIONS,
      ...CROP_AND_PLACEMENT,
      output_format: { kind: 'enum', values: ['jpeg', 'png'] },
    },
  },
  {
    endpointId: 'fal-ai/sadtalker',
    appId: 'fal-ai/sadtalker',
    output: 'video',
    faceField: 'source_image_url',
    durationField: 'driven_audio_url',
    fields: {
      source_image_url: { kind: 'url', required: true, media: 'image' },
      driven_audio_url: { kind: 'url', required: true, media: 'audio' },
      expression_scale: NUMBER,
      face_enhancer: { kind: 'enum', values: ['gfpgan'] },
      face_model_resolution: { kind: 'enum', values: ['256', '512'] },
      pose_style: INTEGER,
      preprocess: { kind: 'enum', values: ['crop', 'extcrop', 'resize', 'full', 'extfull'] },
      still_mode: BOOLEAN,
    },
  },
  {
    // fal's API reference and @fal-ai/client's endpoint types (AIAvatarInput / AIAvatarOutput).
    endpointId: 'fal-ai/kling-video/ai-avatar/v2/standard',
    appId: 'fal-ai/kling-video',
    ...TALKING_AVATAR,
    fields: TALKING_AVATAR_FIELDS,
  },
  {
    // fal's API reference and @fal-ai/client's endpoint types (OmniHumanv15Input / AIAvatarOutput).
    endpointId: 'fal-ai/bytedance/omnihuman/v1.5',
    appId: 'fal-ai/bytedance',
    ...TALKING_AVATAR,
    fields: {
      ...TALKING_AVATAR_FIELDS,
      resolution: { kind: 'enum', values: ['720p', '1080p'] },
      turbo_mode: BOOLEAN,
    },
    maxDuration: (input) =>
      input.resolution === '720p'
        ? { seconds: 60, message: 'Audio must be under 60s long for 720p generation' }
        : { seconds: 30, message: 'Audio must be under 30s long for 1080p generation' },
  },
]

/** The fal endpoints the emulator serves, by endpoint id. */
export const FAL_MODELS: ReadonlyMap<string, FalModel> = new Map(MODELS.map((model) => [model.endpointId, model]))

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function checkNumber(field: string, value: unknown, rule: Extract<FalFieldRule, { kind: 'number' }>): FalErrorDetail | undefined {
  // pydantic's lax mode accepts numeric strings.
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
  if (typeof number !== 'number' || !Number.isFinite(number)) {
    return rule.integer
      ? falDetail(field, 'int_type', 'Input should be a valid integer', { input: value })
      : falDetail(field, 'float_type', 'Input should be a valid number', { input: value })
  }
  if (rule.integer && !Number.isInteger(number)) {
    return falDetail(field, 'int_from_float', 'Input should be a valid integer, got a number with a fractional part', { input: value })
  }
  if (rule.min !== undefined && number < rule.min) {
    return falDetail(field, 'greater_than_equal', `Input should be greater than or equal to ${rule.min}`, { ctx: { ge: rule.min }, input: value })
  }
  if (rule.max !== undefined && number > rule.max) {
    return falDetail(field, 'less_than_equal', `Input should be less than or equal to ${rule.max}`, { ctx: { le: rule.max }, input: value })
  }
  return undefined
}

function checkField(field: string, value: unknown, rule: FalFieldRule): FalErrorDetail | undefined {
  switch (rule.kind) {
    case 'url': {
      if (typeof value !== 'string') return falDetail(field, 'string_type', 'Input should be a valid string', { input: value })
      if (value.startsWith('data:')) return undefined
      try {
        const url = new URL(value)
        if (url.protocol === 'http:' || url.protocol === 'https:') return undefined
      } catch {
        // falls through to the error below
      }
      return falDetail(field, 'url_parsing', 'Input should be a valid URL', { input: value })
    }
    case 'number':
      return checkNumber(field, value, rule)
    case 'boolean':
      return typeof value === 'boolean' || value === 0 || value === 1 || value === 'true' || value === 'false'
        ? undefined
        : falDetail(field, 'bool_type', 'Input should be a valid boolean', { input: value })
    case 'string':
      return typeof value === 'string' ? undefined : falDetail(field, 'string_type', 'Input should be a valid string', { input: value })
    case 'enum': {
      if (typeof value === 'string' && rule.values.includes(value)) return undefined
      const expected = rule.values.map((option) => `'${option}'`).join(' or ')
      return falDetail(field, 'literal_error', `Input should be ${expected}`, { ctx: { expected }, input: value })
    }
  }
}

/**
 * Checks a submitted input like the model's pydantic schema would: required fields, types and the
 * documented ranges. Unknown fields are ignored, as pydantic does by default.
 */
export function validateFalInput(model: FalModel, input: unknown): FalErrorDetail[] {
  if (!isPlainObject(input)) return [falDetail(undefined, 'dict_type', 'Input should be a valid dictionary', { input })]
  const errors: FalErrorDetail[] = []
  for (const [field, rule] of Object.entries(model.fields)) {
    const value = input[field]
    if (value === undefined) {
      if (rule.kind === 'url') errors.push(falDetail(field, 'missing', 'Field required', { input }))
      continue
    }
    const error = checkField(field, value, rule)
    if (error) errors.push(error)
  }
  return errors
}
