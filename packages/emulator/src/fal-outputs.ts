import type { EmulatorRuntime } from './emulator-runtime.js'
import { falDetail, type FalErrorDetail } from './fal-errors.js'
import { validateFalInput, type FalModel } from './fal-models.js'
import { imageHasFace } from './face-heuristic.js'
import { renderStill } from './image-output.js'
import { mp4DurationSeconds, wavDurationSeconds } from './media-duration.js'
import { resolveMedia } from './media-resolver.js'
import { looksLikeAudio, looksLikeVideo, sniffImageFormat } from './media-sniff.js'
import { videoSpecFor } from './mp4-output.js'

/** How a fal request ended: its output JSON, or the error the result endpoint returns. */
export type FalOutcome =
  | { readonly ok: true; readonly output: unknown }
  | { readonly ok: false; readonly status: number; readonly body: unknown; readonly errorType: string }

const VIDEO_SIZE = 256
const DEFAULT_SECONDS = 2
const MAX_SECONDS = 60

function failed(details: readonly FalErrorDetail[]): FalOutcome {
  return { ok: false, status: 422, body: { detail: details }, errorType: details[0]?.type ?? 'value_error' }
}

/**
 * Runs a fal request's "model": validates the input, fetches and checks its media (face included),
 * and stores a real output (MP4 or JPEG/PNG) on the emulator's CDN under `outputPath`.
 */
export async function runFalModel(
  runtime: EmulatorRuntime,
  model: FalModel,
  input: unknown,
  options: { readonly noFace: boolean; readonly outputDirectory: string },
): Promise<FalOutcome> {
  const invalid = validateFalInput(model, input)
  if (invalid.length > 0) return failed(invalid)
  const fields = input as Record<string, unknown>
  const media = new Map<string, Buffer>()
  for (const [field, rule] of Object.entries(model.fields)) {
    if (rule.kind !== 'url') continue
    const value = String(fields[field])
    const resolved = await resolveMedia(value, { files: runtime.files, baseUrl: runtime.baseUrl, signal: runtime.stopSignal })
    if (resolved.kind === 'invalid') return failed([falDetail(field, 'url_parsing', 'Input should be a valid URL', { input: value })])
    if (resolved.kind === 'missing') {
      return failed([falDetail(field, 'file_download_error', 'Failed to download the file. Please check if the URL is accessible.', { input: value })])
    }
    if (resolved.kind !== 'bytes') continue
    const bytes = resolved.bytes
    if (rule.media === 'image' && sniffImageFormat(bytes) === 'unknown') {
      return failed([falDetail(field, 'image_load_error', 'Failed to load the image. Please ensure the image file is not corrupted and is in a supported format.', { input: value })])
    }
    if (rule.media === 'video' && !looksLikeVideo(bytes)) {
      return failed([falDetail(field, 'unsupported_video_format', 'The video format is not supported.', { input: value })])
    }
    if (rule.media === 'audio' && !looksLikeAudio(bytes)) {
      return failed([falDetail(field, 'unsupported_audio_format', 'The audio format is not supported.', { input: value })])
    }
    media.set(field, bytes)
  }
  const portrait = media.get(model.faceField)
  const hasFace = options.noFace ? false : portrait ? await imageHasFace(portrait) : true
  if (hasFace === false) {
    return failed([falDetail(model.faceField, 'face_detection_error', 'Could not detect a face in the image.', { input: fields[model.faceField] })])
  }
  if (model.output === 'image') {
    const format = fields.output_format === 'png' ? 'png' : 'jpeg'
    const still = await renderStill(portrait, format)
    const fileName = `output.${format === 'png' ? 'png' : 'jpg'}`
    const path = `${options.outputDirectory}/${fileName}`
    runtime.files.put(path, { bytes: still.bytes, contentType: still.contentType })
    return {
      ok: true,
      output: {
        image: {
          url: runtime.url(path),
          content_type: still.contentType,
          file_name: fileName,
          file_size: still.bytes.length,
          width: still.width,
          height: still.height,
        },
      },
    }
  }
  const driver = model.durationField ? media.get(model.durationField) : undefined
  const seconds = (driver && (mp4DurationSeconds(driver) ?? wavDurationSeconds(driver))) || DEFAULT_SECONDS
  const longest = model.maxDuration?.(fields)
  if (longest && model.durationField && driver && seconds > longest.seconds) {
    return failed([falDetail(model.durationField, 'value_error', longest.message, { input: fields[model.durationField] })])
  }
  const durationRule = model.durationField === undefined ? undefined : model.fields[model.durationField]
  const talking = durationRule?.kind === 'url' && durationRule.media === 'audio'
  const video = await runtime.videos.render(videoSpecFor(Math.min(seconds, MAX_SECONDS), VIDEO_SIZE, VIDEO_SIZE), { portrait, ...(talking ? { speech: { audio: driver } } : {}) })
  const path = `${options.outputDirectory}/output.mp4`
  runtime.files.put(path, { bytes: video, contentType: 'video/mp4' })
  return {
    ok: true,
    output: {
      video: { url: runtime.url(path), content_type: 'video/mp4', file_name: 'output.mp4', file_size: video.length },
      ...(model.reportsDuration ? { duration: Math.min(seconds, MAX_SECONDS) } : {}),
    },
  }
}
