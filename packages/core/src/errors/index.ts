export { ERROR_KINDS, RETRYABLE_BY_DEFAULT } from './error-kinds.js'
export { PortraitAnimatorError, type PortraitAnimatorErrorOptions } from './portrait-animator-error.js'
export { redact, redactValue, registerSecret } from './redact.js'
export { abortError, toPortraitAnimatorError, type ErrorContext } from './to-portrait-animator-error.js'
