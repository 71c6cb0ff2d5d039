/**
 * Request validation shared by the router and every adapter: the shape of an `AnimationRequest` and
 * of `CallOptions`, checked before any media is read or any provider called.
 * @module
 */
export { validateCallOptions } from './validate-call-options.js'
export { validateRequest } from './validate-request.js'
export { requestError, type RequestErrorDetails, type RequestErrorSource } from './request-error.js'
export { EXPRESSION_CONTROLS, FRAMINGS, MOTION_TYPES, OUTPUT_FORMATS, OUTPUT_KINDS, PRESET_NAMES } from './request-vocabulary.js'
