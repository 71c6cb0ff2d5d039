import type { PortraitAnimatorError, PortraitAnimatorErrorOptions } from '../errors/index.js'

/** The options that rebuild `error` (without its cause and attempts), to derive a new error from it. */
export function errorOptions(error: PortraitAnimatorError): PortraitAnimatorErrorOptions {
  return {
    kind: error.kind,
    message: error.message,
    retryable: error.retryable,
    ...(error.provider ? { provider: error.provider } : {}),
    ...(error.modelId ? { modelId: error.modelId } : {}),
    ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    ...(error.providerCode ? { providerCode: error.providerCode } : {}),
    ...(error.requestId ? { requestId: error.requestId } : {}),
    ...(error.statusCode === undefined ? {} : { statusCode: error.statusCode }),
    ...(error.field ? { field: error.field } : {}),
    ...(error.rule ? { rule: error.rule } : {}),
    ...(error.limit === undefined ? {} : { limit: error.limit }),
    ...(error.actual === undefined ? {} : { actual: error.actual }),
    ...(error.accepted === undefined ? {} : { accepted: error.accepted }),
  }
}
