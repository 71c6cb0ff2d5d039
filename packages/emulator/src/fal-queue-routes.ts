import { abortableSleep } from './abortable-sleep.js'
import type { EmulatorRuntime } from './emulator-runtime.js'
import { FAL_EXHAUSTED_BALANCE, falDetail, falFaultReply, falPlainError, falRequestErrorReply, falValidationReply } from './fal-errors.js'
import { FAL_REQUEST_CREDITS, type FalJob, type FalJobStore } from './fal-jobs.js'
import { FAL_MODELS } from './fal-models.js'
import { parseLoopbackUrl } from './loopback-url.js'
import { jsonReply, type Reply } from './reply.js'
import type { Route, RouteContext } from './router.js'
import { falAccount } from './fal-auth.js'

const LONGEST_STREAM_MS = 10 * 60_000

function requestUrls(runtime: EmulatorRuntime, job: FalJob): Record<string, string> {
  const base = runtime.url(`/${job.model.appId}/requests/${job.requestId}`)
  return { response_url: base, status_url: `${base}/status`, cancel_url: `${base}/cancel` }
}

/**
 * The fal queue: submit to `/{owner}/{alias}[/{path}]`; status, status stream, result and cancel
 * under `/{owner}/{alias}/requests/{id}` (without the endpoint sub-path, as fal documents).
 */
export function falQueueRoutes(runtime: EmulatorRuntime, jobs: FalJobStore): Route[] {
  const streamTickMs = Math.min(250, Math.max(25, runtime.jobDurationMs / 6))

  const statusBody = (job: FalJob, withLogs: boolean): Record<string, unknown> => {
    const now = Date.now()
    const phase = jobs.phase(job, now)
    const base = { status: phase, request_id: job.requestId, ...requestUrls(runtime, job) }
    if (phase === 'IN_QUEUE') return { ...base, queue_position: jobs.queuePosition(job, now), logs: [] }
    const logs = withLogs ? jobs.logs(job, now) : []
    if (phase === 'IN_PROGRESS') return { ...base, logs }
    jobs.settle(job)
    runtime.ledger.markCompletionSeen(job.requestId, now)
    const completed = { ...base, logs, metrics: { inference_time: (job.doneAt - job.startAt) / 1000 } }
    if (job.cancelledAt !== undefined) return { ...completed, error: 'Request was cancelled', error_type: 'client_cancelled' }
    if (job.outcome && !job.outcome.ok) {
      return { ...completed, error: `Invalid status code: ${job.outcome.status}`, error_type: job.outcome.errorType }
    }
    return completed
  }

  /** Finds the job for a status/result/cancel path, or the reply to give instead. */
  const findJob = (context: RouteContext): { job: FalJob } | { reply: Reply } => {
    const auth = falAccount(runtime, context)
    if ('reply' in auth) return auth
    const job = jobs.get(context.params.id ?? '')
    const appId = `${context.params.owner}/${context.params.alias}`
    if (!job || job.account !== auth.account || job.model.appId !== appId) {
      return { reply: falPlainError(404, `Request ${context.params.id} not found for ${appId}`) }
    }
    return { job }
  }

  const requestPath = '^/(?<owner>[^/]+)/(?<alias>[^/]+)/requests/(?<id>[^/]+)'
  const common = { faultReply: falFaultReply, retiredReply: () => falPlainError(404, 'Application not found') }
  return [
    {
      ...common,
      method: 'GET',
      path: new RegExp(`${requestPath}/status/stream$`),
      faultRoute: 'fal.status',
      handle: async (context) => {
        const found = findJob(context)
        if ('reply' in found) return found.reply
        const { job } = found
        runtime.ledger.countStatusRequest(job.requestId)
        const withLogs = context.url.searchParams.get('logs') === '1'
        async function* events(): AsyncGenerator<string> {
          const openedAt = Date.now()
          let last = ''
          while (!context.signal.aborted && Date.now() - openedAt < LONGEST_STREAM_MS) {
            const body = statusBody(job, withLogs)
            const text = JSON.stringify(body)
            if (text !== last) yield `data: ${text}\n\n`
            last = text
            if (body.status === 'COMPLETED') return
            await abortableSleep(streamTickMs, context.signal)
          }
        }
        return {
          status: 200,
          headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-fal-request-id': job.requestId },
          stream: events(),
        }
      },
    },
    {
      ...common,
      method: 'GET',
      path: new RegExp(`${requestPath}/status$`),
      faultRoute: 'fal.status',
      handle: async (context) => {
        const found = findJob(context)
        if ('reply' in found) return found.reply
        runtime.ledger.countStatusRequest(found.job.requestId)
        const body = statusBody(found.job, context.url.searchParams.get('logs') === '1')
        return jsonReply(200, body, { 'x-fal-request-id': found.job.requestId })
      },
    },
    {
      ...common,
      method: 'PUT',
      path: new RegExp(`${requestPath}/cancel$`),
      faultRoute: 'fal.cancel',
      handle: async (context) => {
        context.request.resume()
        const found = findJob(context)
        if ('reply' in found) return found.reply.status === 404 ? jsonReply(404, { status: 'NOT_FOUND' }) : found.reply
        const result = jobs.cancel(found.job)
        return result === 'cancelled'
          ? jsonReply(202, { status: 'CANCELLATION_REQUESTED' })
          : jsonReply(400, { status: 'ALREADY_COMPLETED' })
      },
    },
    {
      ...common,
      method: 'GET',
      path: new RegExp(`${requestPath}$`),
      faultRoute: 'fal.result',
      handle: async (context) => {
        const found = findJob(context)
        if ('reply' in found) return found.reply
        const { job } = found
        runtime.ledger.countResultRequest(job.requestId)
        const headers = { 'x-fal-request-id': job.requestId }
        if (jobs.phase(job) !== 'COMPLETED') return falPlainError(400, 'Request is still in progress', headers)
        jobs.settle(job)
        runtime.ledger.markCompletionSeen(job.requestId)
        if (job.cancelledAt !== undefined) {
          const reply = falRequestErrorReply(499, 'client_cancelled', 'Request was cancelled')
          return { ...reply, headers: { ...reply.headers, ...headers } }
        }
        const outcome = job.outcome
        if (!outcome) return falRequestErrorReply(500)
        if (!outcome.ok) {
          return jsonReply(outcome.status, outcome.body, { ...headers, 'x-fal-retryable': 'false' })
        }
        return jsonReply(200, outcome.output, headers)
      },
    },
    {
      ...common,
      method: 'POST',
      path: /^\/(?<owner>[^/]+)\/(?<alias>[^/]+)(?<path>(?:\/[^/]+)*)\/?$/,
      faultRoute: 'fal.submit',
      handle: async (context) => {
        const auth = falAccount(runtime, context)
        if ('reply' in auth) {
          context.request.resume()
          return auth.reply
        }
        const endpointId = `${context.params.owner}/${context.params.alias}${context.params.path ?? ''}`
        const model = FAL_MODELS.get(endpointId)
        if (!model) {
          context.request.resume()
          return falPlainError(404, `Application '${endpointId}' not found`)
        }
        const text = (await context.readBody(16 * 1024 * 1024)).toString('utf8')
        let body: unknown
        try {
          body = text.trim() === '' ? {} : JSON.parse(text)
        } catch {
          return falValidationReply([falDetail(undefined, 'json_invalid', 'Invalid JSON', { input: text.slice(0, 200) })])
        }
        const webhook = context.url.searchParams.get('fal_webhook') ?? undefined
        if (webhook !== undefined && !parseLoopbackUrl(webhook)) {
          return falValidationReply([
            falDetail('fal_webhook', 'value_error', 'The emulator delivers webhooks to loopback http(s) URLs only', { locRoot: 'query', input: webhook }),
          ])
        }
        if (!runtime.accounts.reserve('fal', auth.account, FAL_REQUEST_CREDITS)) return falPlainError(403, FAL_EXHAUSTED_BALANCE)
        const job = jobs.submit({
          model,
          account: auth.account,
          body,
          ...(webhook === undefined ? {} : { webhookUrl: webhook }),
          noFace: context.fault?.noFace === true,
        })
        return jsonReply(
          200,
          {
            status: 'IN_QUEUE',
            request_id: job.requestId,
            gateway_request_id: job.requestId,
            ...requestUrls(runtime, job),
            queue_position: jobs.queuePosition(job),
          },
          { 'x-fal-request-id': job.requestId },
        )
      },
    },
  ]
}
