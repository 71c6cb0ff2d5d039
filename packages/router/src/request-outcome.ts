import { PortraitAnimatorError, type AnimationResult, type ErrorKind } from '@portrait-animator/core'
import type { RequestContext } from './request-context.js'

/** The served result, with every attempt of the request and its total time; emits `result`. */
export function finishRequest(result: AnimationResult, target: string, context: RequestContext, arm?: string): AnimationResult {
  context.emit({ type: 'result', target, durationMs: context.elapsedMs, ...(arm ? { arm } : {}) })
  return { ...result, attempts: [...context.attempts], timings: { ...result.timings, totalMs: context.elapsedMs }, ...(arm ? { arm } : {}) }
}

/** `error` as the request's failure, with every attempt; emits `failed`. */
export function failRequest(error: PortraitAnimatorError, context: RequestContext): PortraitAnimatorError {
  context.emit({ type: 'failed', errorKind: error.kind, message: error.message })
  return error.with({ attempts: [...context.attempts], cause: error.cause ?? error })
}

/**
 * The error when no target served the request: the last target's kind, or, when nothing was
 * called, the most useful reason (the input itself, the budget, or capabilities); emits `failed`.
 */
export function allTargetsFailed(errors: readonly PortraitAnimatorError[], context: RequestContext): PortraitAnimatorError {
  const lines = context.attempts.map((attempt) =>
    attempt.outcome === 'skipped' ? `${attempt.target}: skipped (${attempt.reason})` : `${attempt.target}: ${attempt.errorKind} (${attempt.reason})`,
  )
  const last = errors.at(-1)
  const skipCodes = new Set(context.skipCodes)
  const rejection = context.inputRejection
  const kind: ErrorKind = last?.kind ?? (rejection ? 'invalid_input' : skipCodes.size === 1 && skipCodes.has('budget') ? 'budget_exceeded' : 'unsupported')
  const summary = {
    kind,
    message: `No target could serve the request on route "${context.route}". ${lines.join('; ')}.`,
    retryable: false,
    ...(last?.accepted === undefined ? {} : { accepted: last.accepted }),
    attempts: [...context.attempts],
    ...(last ? { cause: last } : {}),
  }
  // When the input was at fault (a target's limits, or an adapter's own check), keep its field,
  // rule, limit and value.
  const inputError = last ? (last.kind === 'invalid_input' ? last : undefined) : rejection
  const error = inputError ? inputError.with(summary) : new PortraitAnimatorError(summary)
  context.emit({ type: 'failed', errorKind: error.kind, message: error.message })
  return error
}
