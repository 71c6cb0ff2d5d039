import type { EmulatorRuntime } from './emulator-runtime.js'
import { magicHourError, magicHourFaultReply, magicHourJsonRequest, storageError, storageFaultReply } from './magichour-errors.js'
import { emptyReply, jsonReply } from './reply.js'
import type { Route } from './router.js'
import { checkSignedPath, signPath } from './signed-url.js'

/** Extensions SDK 0.43.1 documents per asset type, plus the ones the current docs add. */
export const MAGIC_HOUR_EXTENSIONS: Readonly<Record<string, readonly string[]>> = {
  image: ['png', 'jpg', 'jpeg', 'heic', 'heif', 'webp', 'avif', 'jp2', 'tiff', 'tif', 'bmp', 'jfif'],
  audio: ['mp3', 'mpeg', 'wav', 'aac', 'flac', 'webm', 'weba', 'm4a', 'opus', 'ogg', 'oga', 'aiff', 'amr'],
  video: ['mp4', 'm4v', 'mov', 'webm'],
  gif: ['gif', 'webp', 'webm'],
}

const UPLOAD_URL_TTL_MS = 60 * 60 * 1000
const MAX_UPLOAD_BYTES = 256 * 1024 * 1024
const MAX_ITEMS = 10

/**
 * `POST /v1/files/upload-urls` and the pre-signed `PUT` it hands out
 * (`/__magichour/upload/api-assets/...`), which needs no auth header.
 */
export function magicHourUploadRoutes(runtime: EmulatorRuntime): Route[] {
  return [
    {
      method: 'POST',
      path: /^\/v1\/files\/upload-urls$/,
      faultRoute: 'magichour.upload',
      faultReply: magicHourFaultReply,
      retiredReply: () => magicHourError(404),
      handle: async (context) => {
        const parsed = await magicHourJsonRequest(runtime, context)
        if ('reply' in parsed) return parsed.reply
        const { account, body } = parsed
        const items = (body as { items?: unknown } | null)?.items
        if (!Array.isArray(items) || items.length === 0) return magicHourError(400, 'items must be a non-empty array')
        if (items.length > MAX_ITEMS) return magicHourError(400, `items may hold at most ${MAX_ITEMS} entries`)
        const answers = []
        for (const [index, item] of items.entries()) {
          const { type, extension } = (item ?? {}) as { type?: unknown; extension?: unknown }
          if (typeof type !== 'string' || !(type in MAGIC_HOUR_EXTENSIONS)) {
            return magicHourError(400, `items[${index}].type must be one of ${Object.keys(MAGIC_HOUR_EXTENSIONS).join(', ')}`)
          }
          const normalized = typeof extension === 'string' ? extension.replace(/^\./, '').toLowerCase() : ''
          if (!MAGIC_HOUR_EXTENSIONS[type]?.includes(normalized)) {
            return magicHourError(400, `items[${index}].extension "${String(extension)}" is not supported for ${type}`)
          }
          const filePath = `api-assets/${account.replace(/^acct_/, '')}/${runtime.ids.hex(20)}.${normalized}`
          const expiresAt = Date.now() + UPLOAD_URL_TTL_MS
          answers.push({
            upload_url: runtime.url(signPath(runtime.urlSecret, `/__magichour/upload/${filePath}`, expiresAt)),
            file_path: filePath,
            expires_at: new Date(expiresAt).toISOString(),
          })
        }
        return jsonReply(200, { items: answers })
      },
    },
    {
      method: 'PUT',
      path: /^\/__magichour\/upload\/(?<filePath>api-assets\/.+)$/,
      faultRoute: 'magichour.upload',
      faultReply: storageFaultReply,
      handle: async (context) => {
        const check = checkSignedPath(runtime.urlSecret, context.url)
        if (check !== 'valid') {
          context.request.resume()
          return check === 'expired'
            ? storageError(403, 'AccessDenied', 'Request has expired')
            : storageError(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.')
        }
        const bytes = await context.readBody(MAX_UPLOAD_BYTES)
        const contentType = context.request.headers['content-type'] ?? 'application/octet-stream'
        runtime.files.put(context.params.filePath ?? '', { bytes, contentType })
        runtime.ledger.recordUpload({ provider: 'magichour', bytes, contentType })
        return emptyReply(200, { etag: `"${runtime.ids.hex(32)}"` })
      },
    },
  ]
}
