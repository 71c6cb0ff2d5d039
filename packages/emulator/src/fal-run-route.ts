import { abortableSleep } from './abortable-sleep.js'
import type { EmulatorRuntime } from './emulator-runtime.js'
import { FAL_EXHAUSTED_BALANCE, falDetail, falFaultReply, falPlainError, falValidationReply } from './fal-errors.js'
import { FAL_REQUEST_CREDITS, type FalJobStore } from './fal-jobs.js'
import { FAL_MODELS } from './fal-models.js'
import { falAccount } from './fal-auth.js'
import { jsonReply } from './reply.js'
import type { Route } from './router.js'

/**
 * Synchronous `https://fal.run/{endpoint}`, served at `/fal-run/{endpoint}` (where `falFetch`
 * sends it): the request runs as a job and the answer is its output, or its error.
 */
export function falRunRoute(runtime: EmulatorRuntime, jobs: FalJobStore): Route[] {
  return [
    {
      method: 'POST',
      path: /^\/fal-run\/(?<endpoint>[^/]+\/[^/]+(?:\/[^/]+)*)\/?$/,
      faultRoute: 'fal.run',
      faultReply: falFaultReply,
      retiredReply: () => falPlainError(404, 'Application not found'),
      handle: async (context) => {
        const auth = falAccount(runtime, context)
        if ('reply' in auth) {
          context.request.resume()
          return auth.reply
        }
        const model = FAL_MODELS.get(context.params.endpoint ?? '')
        if (!model) {
          context.request.resume()
          return falPlainError(404, `Application '${context.params.endpoint}' not found`)
        }
        let body: unknown
        try {
          const text = (await context.readBody(16 * 1024 * 1024)).toString('utf8')
          body = text.trim() === '' ? {} : JSON.parse(text)
        } catch {
          return falValidationReply([falDetail(undefined, 'json_invalid', 'Invalid JSON')])
        }
        if (!runtime.accounts.reserve('fal', auth.account, FAL_REQUEST_CREDITS)) return falPlainError(403, FAL_EXHAUSTED_BALANCE)
        const job = jobs.submit({ route: 'fal.run', model, account: auth.account, body, noFace: context.fault?.noFace === true })
        await job.prepared
        await abortableSleep(job.doneAt - Date.now(), runtime.stopSignal)
        jobs.settle(job)
        runtime.ledger.markCompletionSeen(job.requestId)
        const headers = { 'x-fal-request-id': job.requestId }
        const outcome = job.outcome
        if (!outcome) return falPlainError(500, 'Emulator error: the job did not run', headers)
        return outcome.ok ? jsonReply(200, outcome.output, headers) : jsonReply(outcome.status, outcome.body, headers)
      },
    },
  ]
}
