import { abortableSleep } from './abortable-sleep.js'
import type { EmulatorRuntime } from './emulator-runtime.js'
import { inputDigest } from './input-digest.js'
import { resolveMedia } from './media-resolver.js'
import { jsonReply, type Reply } from './reply.js'
import { replicateAccount, replicateError, replicateFaultReply } from './replicate-errors.js'
import { checkReplicateInput, findReplicateModel, type ReplicateModel } from './replicate-models.js'
import { ReplicatePredictionStore, type ReplicatePrediction } from './replicate-predictions.js'
import { parseReplicateWebhook } from './replicate-webhooks.js'
import type { Route, RouteContext } from './router.js'

/** Longest `Prefer: wait=n` Replicate honours, in seconds. */
const MAX_WAIT_SECONDS = 60

/** Seconds asked for by `Prefer: wait` or `Prefer: wait=n`, or `undefined`. */
function preferWait(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '')
  const match = /(?:^|[,;\s])wait(?:=(\d+))?(?:$|[,;\s])/.exec(value)
  if (!match) return undefined
  return Math.min(MAX_WAIT_SECONDS, match[1] === undefined ? MAX_WAIT_SECONDS : Number(match[1]))
}

/** `POST` of a prediction, by model (`byModel`) or by the body's `version`. */
async function createPrediction(runtime: EmulatorRuntime, store: ReplicatePredictionStore, context: RouteContext, byModel: ReplicateModel | undefined): Promise<Reply> {
  const auth = replicateAccount(runtime, context)
  if ('reply' in auth) return auth.reply
  let body: Record<string, unknown>
  try {
    body = JSON.parse((await context.readBody(16 * 1024 * 1024)).toString('utf8')) as Record<string, unknown>
  } catch {
    return replicateError(400, 'The request body is not valid JSON.')
  }
  const model = byModel ?? (typeof body.version === 'string' ? findReplicateModel({ version: body.version.split(':').pop() ?? '' }) : undefined)
  if (!model) return replicateError(byModel === undefined && typeof body.version === 'string' ? 422 : 404, byModel === undefined ? 'Invalid version or not permitted' : undefined)
  const problem = checkReplicateInput(model, body.input)
  if (problem) return replicateError(422, problem)
  const webhook = parseReplicateWebhook(body)
  if ('problem' in webhook) return replicateError(422, webhook.problem)
  if (!runtime.accounts.reserve('replicate', auth.account, model.credits)) return replicateError(402)
  const input = body.input as Record<string, unknown>
  const face = await resolveMedia(String(input[model.faceField]), { files: runtime.files, baseUrl: runtime.baseUrl, signal: context.signal })
  const prediction = store.create(auth.account, model, input, context.fault?.noFace === true, face.kind === 'bytes' ? inputDigest(face.bytes) : undefined, webhook.webhook)
  const wait = preferWait(context.request.headers.prefer)
  if (wait !== undefined) await waitForEnd(store, prediction, wait * 1000, context.signal)
  return jsonReply(201, store.toJson(prediction))
}

/** Holds a `Prefer: wait` answer until the prediction ends, the limit passes or the client leaves. */
async function waitForEnd(store: ReplicatePredictionStore, prediction: ReplicatePrediction, limitMs: number, signal: AbortSignal): Promise<void> {
  const until = Date.now() + limitMs
  while (!store.isTerminal(prediction) && Date.now() < until && !signal.aborted) {
    await abortableSleep(Math.min(20, until - Date.now()), signal)
  }
}

/**
 * Replicate's predictions API: `POST /v1/models/{owner}/{name}/predictions`, `POST /v1/predictions`
 * (by `version`), `GET /v1/predictions/{id}`, `POST /v1/predictions/{id}/cancel`, with
 * `Prefer: wait`, signed webhooks (`webhook`, `webhook_events_filter`) with their secret at
 * `GET /v1/webhooks/default/secret`, and the delivery URLs of outputs.
 */
export function replicateRoutes(runtime: EmulatorRuntime): Route[] {
  const store = new ReplicatePredictionStore(runtime)
  const common = { faultReply: replicateFaultReply, retiredReply: () => replicateError(404) }

  const create = (context: RouteContext, byModel: ReplicateModel | undefined): Promise<Reply> => createPrediction(runtime, store, context, byModel)

  const find = (context: RouteContext): { prediction: ReplicatePrediction } | { reply: Reply } => {
    const auth = replicateAccount(runtime, context)
    if ('reply' in auth) return auth
    const prediction = store.get(context.params.id ?? '')
    if (!prediction || prediction.account !== auth.account) return { reply: replicateError(404) }
    return { prediction }
  }

  return [
    {
      ...common,
      method: 'POST',
      path: /^\/v1\/models\/(?<owner>[^/]+)\/(?<name>[^/]+)\/predictions$/,
      faultRoute: 'replicate.create',
      handle: async (context) => {
        const model = findReplicateModel({ id: `${context.params.owner ?? ''}/${context.params.name ?? ''}` })
        if (!model) {
          context.request.resume()
          const auth = replicateAccount(runtime, context)
          return 'reply' in auth ? auth.reply : replicateError(404)
        }
        return create(context, model)
      },
    },
    { ...common, method: 'POST', path: /^\/v1\/predictions$/, faultRoute: 'replicate.create', handle: (context) => create(context, undefined) },
    {
      ...common,
      method: 'GET',
      path: /^\/v1\/predictions\/(?<id>[^/]+)$/,
      faultRoute: 'replicate.get',
      handle: async (context) => {
        const found = find(context)
        if ('reply' in found) return found.reply
        runtime.ledger.countStatusRequest(found.prediction.id)
        const body = store.toJson(found.prediction)
        if (store.isTerminal(found.prediction)) runtime.ledger.markCompletionSeen(found.prediction.id)
        return jsonReply(200, body)
      },
    },
    {
      ...common,
      method: 'POST',
      path: /^\/v1\/predictions\/(?<id>[^/]+)\/cancel$/,
      faultRoute: 'replicate.cancel',
      handle: async (context) => {
        context.request.resume()
        const found = find(context)
        if ('reply' in found) return found.reply
        store.cancel(found.prediction)
        return jsonReply(200, store.toJson(found.prediction))
      },
    },
    {
      ...common,
      method: 'GET',
      path: /^\/v1\/webhooks\/default\/secret$/,
      handle: async (context) => {
        const auth = replicateAccount(runtime, context)
        return 'reply' in auth ? auth.reply : jsonReply(200, { key: runtime.replicateWebhookSecret })
      },
    },
    {
      method: 'GET',
      path: /^\/__replicate\/delivery\/(?<id>[^/]+)\/output\.mp4$/,
      faultRoute: 'replicate.download',
      faultReply: replicateFaultReply,
      handle: async (context) => {
        const prediction = store.get(context.params.id ?? '')
        const outcome = prediction?.outcome
        if (!prediction || store.status(prediction) !== 'succeeded' || !outcome?.ok) return replicateError(404)
        return { status: 200, headers: { 'content-type': 'video/mp4' }, body: outcome.video }
      },
    },
  ]
}
