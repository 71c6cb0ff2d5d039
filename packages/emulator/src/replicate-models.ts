/** A model the emulator runs on its Replicate API. */
export interface ReplicateModel {
  /** `owner/name`. */
  readonly id: string
  /** The version id `POST /v1/predictions` accepts. */
  readonly version: string
  /** The image input whose face is animated. */
  readonly faceField: string
  /** The driving video input; the output lasts as long as it. */
  readonly drivingField: string
  /** Inputs the model declares, with their JSON type. */
  readonly fields: Readonly<Record<string, 'string' | 'number' | 'integer' | 'boolean'>>
  /** Credits (US cents in this emulator) charged for a successful prediction. */
  readonly credits: number
}

/**
 * fofr/live-portrait: LivePortrait on Replicate. Inputs as used against the live API by public
 * code (face_image, driving_video and the live_portrait_* options); output a list of one MP4 URL.
 */
export const REPLICATE_MODELS: readonly ReplicateModel[] = [
  {
    id: 'fofr/live-portrait',
    version: '067dd98cc3e5cb396c4a9efb4bba3eec6c4a9d271211325c477518fc6485e146',
    faceField: 'face_image',
    drivingField: 'driving_video',
    fields: {
      face_image: 'string',
      driving_video: 'string',
      live_portrait_dsize: 'integer',
      live_portrait_scale: 'number',
      live_portrait_lip_zero: 'boolean',
      live_portrait_relative: 'boolean',
      live_portrait_vx_ratio: 'number',
      live_portrait_vy_ratio: 'number',
      live_portrait_stitching: 'boolean',
      live_portrait_eye_retargeting: 'boolean',
      live_portrait_lip_retargeting: 'boolean',
      live_portrait_eyes_retargeting_multiplier: 'number',
      live_portrait_lip_retargeting_multiplier: 'number',
      video_frame_load_cap: 'integer',
      video_select_every_n_frames: 'integer',
    },
    credits: 1,
  },
]

/** The model by `owner/name` or by version id. */
export function findReplicateModel(by: { readonly id?: string; readonly version?: string }): ReplicateModel | undefined {
  return REPLICATE_MODELS.find((model) => (by.id !== undefined && model.id === by.id) || (by.version !== undefined && model.version === by.version))
}

/** The first problem with a prediction's input, or `undefined` when it is valid. */
export function checkReplicateInput(model: ReplicateModel, input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return 'input: Invalid type. Expected: object'
  const record = input as Record<string, unknown>
  for (const field of [model.faceField, model.drivingField]) {
    if (record[field] === undefined) return `input: ${field} is required`
  }
  for (const [name, value] of Object.entries(record)) {
    const type = model.fields[name]
    if (type === undefined) continue // Replicate ignores inputs a model does not declare.
    const ok = type === 'integer' ? Number.isInteger(value) : typeof value === type
    if (!ok) return `input.${name}: Invalid type. Expected: ${type}, given: ${typeof value}`
  }
  return undefined
}
