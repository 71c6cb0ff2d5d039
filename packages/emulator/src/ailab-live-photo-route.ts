import { abortableSleep } from './abortable-sleep.js'
import { ailabError, ailabFaultError, ailabIds, ailabSuccess } from './ailab-envelope.js'
import type { EmulatorRuntime } from './emulator-runtime.js'
import { imageHasFace } from './face-heuristic.js'
import { inputDigest } from './input-digest.js'
import { probeImage } from './image-probe.js'
import { videoSpecFor } from './mp4-output.js'
import { BodyTooLargeError } from './read-body.js'
import type { Route } from './router.js'

/** Credits one successful live-photo call costs (the overview page's billing table). */
export const AILAB_LIVE_PHOTO_CREDITS = 22
/** Largest accepted `image_target`. */
export const AILAB_MAX_IMAGE_BYTES = 5 * 1024 * 1024
/** Width and height must stay below this. */
export const AILAB_MAX_DIMENSION = 4096
const MAX_BODY_BYTES = 32 * 1024 * 1024
const OUTPUT_MAX_SIDE = 512
const OUTPUT_SECONDS = 2
const ROUTE = 'ailab.live-photo'
const MODEL = 'live-photo'

/** Fits `width` x `height` inside `maxSide`, keeping the aspect, in multiples of 16 px. */
export function liveVideoSize(width: number, height: number): { width: number; height: number } {
  if (width <= 0 || height <= 0) return { width: OUTPUT_MAX_SIDE, height: OUTPUT_MAX_SIDE }
  const scale = Math.min(1, OUTPUT_MAX_SIDE / Math.max(width, height))
  const round = (value: number): number => Math.max(16, Math.round((value * scale) / 16) * 16)
  return { width: round(width), height: round(height) }
}

/**
 * `POST /api/portrait/effects/live-photo`: the synchronous AILabTools live-photo call, validated
 * like the real service, answering with a base64 MP4 in `data.video`.
 */
export function ailabLivePhotoRoutes(runtime: EmulatorRuntime): Route[] {
  let inFlight = 0
  const maxConcurrent = runtime.options.ailab?.maxConcurrent ?? Infinity
  return [
    {
      method: 'POST',
      path: /^\/api\/portrait\/effects\/live-photo\/?$/,
      faultRoute: ROUTE,
      faultReply: (status, effect) => ailabFaultError(ailabIds(runtime.ids), status, effect.code, effect.message),
      retiredReply: () => ailabError(ailabIds(runtime.ids), 'ERROR_AI_NOT_EXISTS'),
      handle: async (context) => {
        const identifiers = ailabIds(runtime.ids)
        const drain = (): void => void context.request.resume()
        if (runtime.options.ailab?.mode === 'retired') {
          drain()
          return ailabError(identifiers, 'ERROR_AI_NOT_EXISTS')
        }
        const key = context.request.headers['ailabapi-api-key']
        const account = runtime.accounts.authorize('ailab', Array.isArray(key) ? key[0] : key)
        if (!account) {
          drain()
          return ailabError(identifiers, 'ERROR_USER_NOT_EXISTS', { message: 'The API key is missing or not valid.' })
        }
        if (inFlight >= maxConcurrent) {
          drain()
          return ailabError(identifiers, 'AI_SERVICE_FLOW_RESTRICTION', { message: 'Too many concurrent requests.' })
        }
        inFlight += 1
        try {
          let body: Buffer
          try {
            body = await context.readBody(MAX_BODY_BYTES)
          } catch (error) {
            if (error instanceof BodyTooLargeError) return ailabError(identifiers, 'FILE_SIZE_EXCEEDS_LIMIT', { headers: { connection: 'close' } })
            throw error
          }
          const contentType = context.request.headers['content-type'] ?? ''
          if (!contentType.toLowerCase().startsWith('multipart/form-data')) {
            return ailabError(identifiers, 'MISSING_PARAMETERS', { message: 'image_target is required (multipart/form-data).' })
          }
          let form: FormData
          try {
            form = await new Request('http://emulator.invalid/', { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(body) }).formData()
          } catch {
            return ailabError(identifiers, 'ERROR_PARAMETERS', { message: 'The multipart body could not be parsed.' })
          }
          const image = form.get('image_target')
          if (image === null) return ailabError(identifiers, 'MISSING_PARAMETERS', { message: 'image_target is required.' })
          if (typeof image === 'string') return ailabError(identifiers, 'ERROR_INVALID_PARAMETER', { message: 'image_target must be a file.' })
          const type = form.get('type')
          if (type !== null && (typeof type !== 'string' || !['0', '1'].includes(type.trim()))) {
            return ailabError(identifiers, 'ERROR_INVALID_PARAMETER', { message: 'type must be 0 or 1.' })
          }
          if (image.size > AILAB_MAX_IMAGE_BYTES) {
            return ailabError(identifiers, 'FILE_SIZE_EXCEEDS_LIMIT', { message: `image_target is ${image.size} bytes; the limit is 5 MB.` })
          }
          const bytes = Buffer.from(await image.arrayBuffer())
          const info = await probeImage(bytes)
          if (!['jpeg', 'png', 'bmp'].includes(info.format)) {
            return ailabError(identifiers, 'UNSUPPORTED_FILE_TYPES', { message: 'Supported formats: JPEG, JPG, PNG, BMP.' })
          }
          if (!info.decodable) return ailabError(identifiers, 'FILE_DECODING_FAILURE', { message: 'image_target could not be decoded.' })
          if (info.width >= AILAB_MAX_DIMENSION || info.height >= AILAB_MAX_DIMENSION) {
            return ailabError(identifiers, 'FILE_RESOLUTION_EXCEEDS_LIMITS', {
              message: `Resolution ${info.width}x${info.height} is not below 4096x4096.`,
            })
          }
          if (runtime.accounts.available('ailab', account) < AILAB_LIVE_PHOTO_CREDITS) {
            return ailabError(identifiers, 'ERROR_NOT_ENOUGH_CREDITS')
          }

          const submittedAt = Date.now()
          const requestId = identifiers.request_id
          runtime.ledger.openJob({ provider: 'ailab', account, requestId, model: MODEL, submittedAt, inputDigest: inputDigest(bytes) })
          runtime.ledger.record({ provider: 'ailab', account, route: ROUTE, kind: 'submission', requestId, model: MODEL, at: submittedAt })
          const [hasFace, video] = await Promise.all([
            context.fault?.noFace ? Promise.resolve(false) : imageHasFace(bytes),
            (() => {
              const size = liveVideoSize(info.width, info.height)
              return runtime.videos.render(videoSpecFor(OUTPUT_SECONDS, size.width, size.height), { portrait: bytes })
            })(),
            abortableSleep(runtime.jobDurationMs, runtime.stopSignal),
          ])
          if (hasFace === false) {
            runtime.ledger.finishJob(requestId, 'failed', Date.now(), 'ERROR_NO_FACE_IN_FILE')
            return ailabError(identifiers, 'ERROR_NO_FACE_IN_FILE', { message: 'pic not has face' })
          }
          if (!runtime.accounts.debit('ailab', account, AILAB_LIVE_PHOTO_CREDITS)) {
            runtime.ledger.finishJob(requestId, 'failed', Date.now(), 'ERROR_NOT_ENOUGH_CREDITS')
            return ailabError(identifiers, 'ERROR_NOT_ENOUGH_CREDITS')
          }
          const completedAt = Date.now()
          runtime.ledger.record({
            provider: 'ailab',
            account,
            route: ROUTE,
            kind: 'charge',
            requestId,
            model: MODEL,
            credits: AILAB_LIVE_PHOTO_CREDITS,
            at: completedAt,
          })
          runtime.ledger.finishJob(requestId, 'completed', completedAt)
          runtime.ledger.markCompletionSeen(requestId, completedAt)
          return ailabSuccess(identifiers, { video: video.toString('base64') })
        } finally {
          inFlight -= 1
        }
      },
    },
  ]
}
