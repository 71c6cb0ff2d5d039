import { validateCallOptions, validateRequest, type RequestErrorSource } from '../request/index.js'
import type { AnimationRequest, AnimationResult, CallOptions, PortraitAnimator } from '../spec/index.js'
import type { JobDriver } from './job-driver.js'
import { runJob, startJob } from './run-job.js'

/**
 * `animate` and `start` of an adapter whose work is one provider job: each checks the request's
 * shape and the call options (typed `invalid_input` before anything is read or sent), then runs the
 * job to its result (`runJob`) or only submits it (`startJob`).
 *
 * @example
 * ```ts
 * return { ...jobCalls({ provider: 'replicate', modelId }, (request, options) => driverFor(request, options)), status, cancel, ... }
 * ```
 */
export function jobCalls<Job, Done>(
  source: RequestErrorSource,
  driverFor: (request: AnimationRequest, options: CallOptions) => JobDriver<Job, Done, AnimationResult>,
): Required<Pick<PortraitAnimator, 'animate' | 'start'>> {
  const validateCall = (request: unknown, options: unknown): void => {
    validateRequest(request, source)
    validateCallOptions(options, source)
  }
  return {
    async animate(request, options = {}) {
      validateCall(request, options)
      return runJob(driverFor(request, options), options)
    },
    async start(request, options = {}) {
      validateCall(request, options)
      return startJob(driverFor(request, options), options)
    },
  }
}
