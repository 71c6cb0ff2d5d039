import type { EmulatorRuntime } from './emulator-runtime.js'
import { inputDigest } from './input-digest.js'
import { magicHourAccount, magicHourError, magicHourFaultReply, magicHourJsonRequest, storageError, storageFaultReply } from './magichour-errors.js'
import { MagicHourProjectStore } from './magichour-projects.js'
import { validateImageToVideo, validateTalkingPhoto, type MagicHourCreate } from './magichour-validation.js'
import { sniffImageFormat } from './media-sniff.js'
import { emptyReply, jsonReply, type Reply } from './reply.js'
import type { Route, RouteContext } from './router.js'
import { checkSignedPath } from './signed-url.js'

const CREATE_FAILURE: Readonly<Record<MagicHourCreate['kind'], string>> = {
  'ai-talking-photo': 'Unable to create talking photo',
  'image-to-video': 'Unable to create image-to-video',
}

/**
 * Magic Hour projects: `POST /v1/ai-talking-photo`, `POST /v1/image-to-video`,
 * `GET` and `DELETE /v1/video-projects/{id}`, and the signed download URLs of their outputs.
 */
export function magicHourProjectRoutes(runtime: EmulatorRuntime): Route[] {
  const projects = new MagicHourProjectStore(runtime)
  const common = { faultReply: magicHourFaultReply, retiredReply: () => magicHourError(404) }

  const create = (path: RegExp, validate: typeof validateTalkingPhoto): Route => ({
    ...common,
    method: 'POST',
    path,
    faultRoute: 'magichour.create',
    handle: async (context) => {
      const parsed = await magicHourJsonRequest(runtime, context)
      if ('reply' in parsed) return parsed.reply
      const { account, body } = parsed
      const checked = validate(body)
      if (!checked.ok) return magicHourError(400, checked.message)
      const request = checked.value
      const assets: [string, string | undefined][] = [
        ['assets.image_file_path', request.imagePath],
        ['assets.audio_file_path', request.audioPath],
      ]
      for (const [field, path] of assets) {
        if (path?.startsWith('api-assets/') && !runtime.files.has(path)) return magicHourError(400, `${field}: no uploaded file at ${path}`)
      }
      const uploadedImage = runtime.files.get(request.imagePath)
      if (uploadedImage && sniffImageFormat(uploadedImage.bytes) === 'unknown') return magicHourError(422, CREATE_FAILURE[request.kind])
      if (!runtime.accounts.debit('magichour', account, request.credits)) return magicHourError(402, 'Payment required')
      const project = projects.create(account, request, context.fault?.noFace === true, uploadedImage ? inputDigest(uploadedImage.bytes) : undefined)
      return jsonReply(200, { id: project.id, credits_charged: request.credits, estimated_frame_cost: request.credits })
    },
  })

  const findProject = (context: RouteContext): { project: NonNullable<ReturnType<typeof projects.get>> } | { reply: Reply } => {
    const auth = magicHourAccount(runtime, context)
    if ('reply' in auth) return auth
    const project = projects.get(context.params.id ?? '')
    if (!project || project.account !== auth.account) return { reply: magicHourError(404, 'Not Found') }
    return { project }
  }

  return [
    create(/^\/v1\/ai-talking-photo$/, validateTalkingPhoto),
    create(/^\/v1\/image-to-video$/, validateImageToVideo),
    {
      ...common,
      method: 'GET',
      path: /^\/v1\/video-projects\/(?<id>[^/]+)$/,
      faultRoute: 'magichour.get',
      handle: async (context) => {
        const found = findProject(context)
        if ('reply' in found) return found.reply
        const { project } = found
        runtime.ledger.countStatusRequest(project.id)
        const body = projects.toJson(project)
        if (['complete', 'error', 'canceled'].includes(String(body.status))) runtime.ledger.markCompletionSeen(project.id)
        return jsonReply(200, body)
      },
    },
    {
      ...common,
      method: 'DELETE',
      path: /^\/v1\/video-projects\/(?<id>[^/]+)$/,
      faultRoute: 'magichour.delete',
      handle: async (context) => {
        context.request.resume()
        const found = findProject(context)
        if ('reply' in found) return found.reply
        projects.delete(found.project)
        return emptyReply(204)
      },
    },
    {
      method: 'GET',
      path: /^\/__magichour\/cdn\/(?<id>[^/]+)\/output\.mp4$/,
      faultRoute: 'magichour.download',
      faultReply: storageFaultReply,
      handle: async (context) => {
        const check = checkSignedPath(runtime.urlSecret, context.url)
        if (check === 'expired') return storageError(403, 'AccessDenied', 'Request has expired')
        if (check === 'invalid') return storageError(403, 'AccessDenied', 'Access Denied')
        const project = projects.get(context.params.id ?? '')
        const outcome = project?.outcome
        if (!project || project.deletedAt !== undefined || !outcome?.ok) {
          return storageError(404, 'NoSuchKey', 'The specified key does not exist.')
        }
        return { status: 200, headers: { 'content-type': 'video/mp4' }, body: outcome.video }
      },
    },
  ]
}
