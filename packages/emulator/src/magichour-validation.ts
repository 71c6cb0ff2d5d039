/** A create request that passed validation, reduced to what the emulator needs. */
export interface MagicHourCreate {
  readonly kind: 'ai-talking-photo' | 'image-to-video'
  readonly name: string | null
  readonly imagePath: string
  readonly audioPath?: string
  readonly startSeconds: number
  readonly endSeconds: number
  /** Credits charged up front (refunded if the job fails or is cancelled). */
  readonly credits: number
}

/** Frame rate Magic Hour bills talking photos at (`credits_charged` is an estimate at 30 fps). */
const BILLED_FPS = 30
/** Credits per started 5 seconds of image-to-video, by resolution (SDK 0.43.1 docs). */
const IMAGE_TO_VIDEO_CREDITS_PER_5S: Readonly<Record<string, number>> = { '480p': 120, '720p': 300, '1080p': 600 }
const GENERATION_MODES = ['expressive', 'pro', 'stable', 'standard']
const MAX_TALKING_SECONDS = 60

type Result = { readonly ok: true; readonly value: MagicHourCreate } | { readonly ok: false; readonly message: string }

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value)
}

function checkName(body: Record<string, unknown>): string | undefined {
  return body.name === undefined || typeof body.name === 'string' ? undefined : 'name must be a string'
}

/** Validates `POST /v1/ai-talking-photo` (fields and limits of the SDK 0.43.1 era). */
export function validateTalkingPhoto(body: unknown): Result {
  if (!isRecord(body)) return { ok: false, message: 'Missing request body' }
  const assets = body.assets
  if (!isRecord(assets)) return { ok: false, message: 'assets is required' }
  if (!nonEmptyString(assets.image_file_path)) return { ok: false, message: 'assets.image_file_path is required' }
  if (!nonEmptyString(assets.audio_file_path)) return { ok: false, message: 'assets.audio_file_path is required' }
  const { start_seconds: start, end_seconds: end } = body
  if (!isNumber(start)) return { ok: false, message: 'start_seconds is required and must be a number' }
  if (!isNumber(end)) return { ok: false, message: 'end_seconds is required and must be a number' }
  if (start < 0) return { ok: false, message: 'start_seconds must be greater than or equal to 0' }
  if (end < 0.1) return { ok: false, message: 'end_seconds must be greater than or equal to 0.1' }
  if (end <= start) return { ok: false, message: 'end_seconds must be greater than start_seconds' }
  if (end - start > MAX_TALKING_SECONDS) return { ok: false, message: `The maximum duration allowed is ${MAX_TALKING_SECONDS} seconds` }
  const nameError = checkName(body)
  if (nameError) return { ok: false, message: nameError }
  if (body.style !== undefined) {
    if (!isRecord(body.style)) return { ok: false, message: 'style must be an object' }
    const { generation_mode: mode, intensity } = body.style
    if (mode !== undefined && !(typeof mode === 'string' && GENERATION_MODES.includes(mode))) {
      return { ok: false, message: `style.generation_mode must be one of ${GENERATION_MODES.join(', ')}` }
    }
    if (intensity !== undefined && !(isNumber(intensity) && intensity >= 0.1 && intensity <= 2)) {
      return { ok: false, message: 'style.intensity must be between 0.1 and 2' }
    }
  }
  return {
    ok: true,
    value: {
      kind: 'ai-talking-photo',
      name: typeof body.name === 'string' ? body.name : null,
      imagePath: assets.image_file_path,
      audioPath: assets.audio_file_path,
      startSeconds: start,
      endSeconds: end,
      credits: Math.ceil((end - start) * BILLED_FPS),
    },
  }
}

/** Validates `POST /v1/image-to-video` (fields of SDK 0.43.1; `end_seconds` 1..60; 480p only 5 or 10 s). */
export function validateImageToVideo(body: unknown): Result {
  if (!isRecord(body)) return { ok: false, message: 'Missing request body' }
  const assets = body.assets
  if (!isRecord(assets)) return { ok: false, message: 'assets is required' }
  if (!nonEmptyString(assets.image_file_path)) return { ok: false, message: 'assets.image_file_path is required' }
  const end = body.end_seconds
  if (!isNumber(end)) return { ok: false, message: 'end_seconds is required and must be a number' }
  if (end < 1 || end > 60) return { ok: false, message: 'end_seconds must be between 1 and 60' }
  const resolution = body.resolution ?? '720p'
  if (typeof resolution !== 'string' || !(resolution in IMAGE_TO_VIDEO_CREDITS_PER_5S)) {
    return { ok: false, message: 'resolution must be one of 480p, 720p, 1080p' }
  }
  if (resolution === '480p' && end !== 5 && end !== 10) return { ok: false, message: '480p supports only 5 or 10 second videos' }
  const nameError = checkName(body)
  if (nameError) return { ok: false, message: nameError }
  for (const dimension of ['width', 'height'] as const) {
    const value = body[dimension]
    if (value !== undefined && value !== null && !Number.isInteger(value)) return { ok: false, message: `${dimension} must be an integer` }
  }
  if (body.style !== undefined) {
    if (!isRecord(body.style)) return { ok: false, message: 'style must be an object' }
    const { prompt, quality_mode: qualityMode, high_quality: highQuality } = body.style
    if (prompt !== undefined && typeof prompt !== 'string') return { ok: false, message: 'style.prompt must be a string' }
    if (qualityMode !== undefined && qualityMode !== 'quick' && qualityMode !== 'studio') {
      return { ok: false, message: 'style.quality_mode must be quick or studio' }
    }
    if (highQuality !== undefined && typeof highQuality !== 'boolean') return { ok: false, message: 'style.high_quality must be a boolean' }
  }
  return {
    ok: true,
    value: {
      kind: 'image-to-video',
      name: typeof body.name === 'string' ? body.name : null,
      imagePath: assets.image_file_path,
      startSeconds: 0,
      endSeconds: end,
      credits: Math.ceil(end / 5) * (IMAGE_TO_VIDEO_CREDITS_PER_5S[resolution] ?? 300),
    },
  }
}
