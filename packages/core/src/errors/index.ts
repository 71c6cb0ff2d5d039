export { ERROR_KINDS, KIND_POLICIES, RETRYABLE_BY_DEFAULT, type KindPolicy } from './error-kinds.js'
export { PortraitAnimatorError, type PortraitAnimatorErrorOptions } from './portrait-animator-error.js'
export { redact, redactValue, registerSecret } from './redact.js'
export { abortError, toPortraitAnimatorError, type ErrorContext } from './to-portrait-animator-error.js'
