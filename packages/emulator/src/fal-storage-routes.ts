import type { EmulatorRuntime } from './emulator-runtime.js'
import { falFaultReply, falPlainError } from './fal-errors.js'
import { falAccount } from './fal-auth.js'
import { emptyReply, jsonReply } from './reply.js'
import type { Route } from './router.js'

const MAX_UPLOAD_BYTES = 128 * 1024 * 1024

interface PendingUpload {
  readonly path: string
  readonly contentType: string
  readonly parts: Map<number, Buffer>
}

function safeFileName(name: unknown, contentType: string): string {
  const cleaned = typeof name === 'string' ? name.replace(/[^A-Za-z0-9._-]/g, '_').slice(-100) : ''
  if (cleaned && cleaned !== '.' && cleaned !== '..') return cleaned
  const extension = contentType.split('/')[1]?.split(/[;+-]/)[0] || 'bin'
  return `file.${extension}`
}

/**
 * fal storage: `POST /storage/upload/initiate` (and `initiate-multipart`), the `PUT` to the upload
 * URL it returns, files served back from `/__fal/cdn/files/...`, and the webhook JWKS at
 * `/.well-known/jwks.json`.
 */
export function falStorageRoutes(runtime: EmulatorRuntime): Route[] {
  const pending = new Map<string, PendingUpload>()
  runtime.onReset(() => pending.clear())
  const common = { faultReply: falFaultReply }

  const initiate = (multipart: boolean): Route => ({
    ...common,
    method: 'POST',
    path: multipart ? /^\/storage\/upload\/initiate-multipart$/ : /^\/storage\/upload\/initiate$/,
    faultRoute: 'fal.upload',
    handle: async (context) => {
      const auth = falAccount(runtime, context)
      if ('reply' in auth) {
        context.request.resume()
        return auth.reply
      }
      let body: Record<string, unknown> = {}
      try {
        const parsed: unknown = JSON.parse((await context.readBody(1024 * 1024)).toString('utf8') || '{}')
        if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>
      } catch {
        return falPlainError(400, 'Invalid JSON body')
      }
      const contentType = typeof body.content_type === 'string' && body.content_type ? body.content_type : 'application/octet-stream'
      const path = `/__fal/cdn/files/${runtime.ids.hex(24)}/${safeFileName(body.file_name, contentType)}`
      const token = runtime.ids.hex(32)
      pending.set(token, { path, contentType, parts: new Map() })
      return jsonReply(200, { upload_url: runtime.url(`/__fal/upload/${token}`), file_url: runtime.url(path) })
    },
  })

  return [
    initiate(false),
    initiate(true),
    {
      ...common,
      method: 'PUT',
      path: /^\/__fal\/upload\/(?<token>[0-9a-f]+)$/,
      faultRoute: 'fal.upload',
      handle: async (context) => {
        const upload = pending.get(context.params.token ?? '')
        if (!upload) {
          context.request.resume()
          return falPlainError(404, 'Unknown or expired upload URL')
        }
        const bytes = await context.readBody(MAX_UPLOAD_BYTES)
        const contentType = context.request.headers['content-type'] || upload.contentType
        runtime.files.put(upload.path, { bytes, contentType })
        runtime.ledger.recordUpload({ provider: 'fal', bytes, contentType })
        pending.delete(context.params.token ?? '')
        return emptyReply(200)
      },
    },
    {
      ...common,
      method: 'PUT',
      path: /^\/__fal\/upload\/(?<token>[0-9a-f]+)\/(?<part>\d+)$/,
      faultRoute: 'fal.upload',
      handle: async (context) => {
        const upload = pending.get(context.params.token ?? '')
        if (!upload) {
          context.request.resume()
          return falPlainError(404, 'Unknown or expired upload URL')
        }
        const partNumber = Number(context.params.part)
        upload.parts.set(partNumber, await context.readBody(MAX_UPLOAD_BYTES))
        return jsonReply(200, { partNumber, etag: `"${runtime.ids.hex(32)}"` })
      },
    },
    {
      ...common,
      method: 'POST',
      path: /^\/__fal\/upload\/(?<token>[0-9a-f]+)\/complete$/,
      faultRoute: 'fal.upload',
      handle: async (context) => {
        context.request.resume()
        const token = context.params.token ?? ''
        const upload = pending.get(token)
        if (!upload) return falPlainError(404, 'Unknown or expired upload URL')
        const parts = [...upload.parts.entries()].sort(([left], [right]) => left - right).map(([, bytes]) => bytes)
        const bytes = Buffer.concat(parts)
        runtime.files.put(upload.path, { bytes, contentType: upload.contentType })
        runtime.ledger.recordUpload({ provider: 'fal', bytes, contentType: upload.contentType })
        pending.delete(token)
        return jsonReply(200, { url: runtime.url(upload.path) })
      },
    },
    {
      ...common,
      method: 'GET',
      path: /^\/__fal\/cdn\/files\/.+$/,
      faultRoute: 'fal.download',
      handle: async (context) => {
        const file = runtime.files.get(decodeURIComponent(context.url.pathname))
        if (!file) return falPlainError(404, 'File not found')
        return { status: 200, headers: { 'content-type': file.contentType }, body: file.bytes }
      },
    },
    {
      method: 'GET',
      path: /^\/\.well-known\/jwks\.json$/,
      handle: async () => jsonReply(200, runtime.falWebhookKeys.jwks, { 'cache-control': 'max-age=86400' }),
    },
  ]
}
