/**
 * @portrait-animator/core: the PortraitAnimator contract, the error taxonomy, media inputs and
 * validation, the HTTP helper, atomic outputs, the configuration schema and small runtime helpers.
 * The router lives in `@portrait-animator/router`.
 * @module
 */
export type * from './spec/index.js'
export * from './errors/index.js'
export * from './media/index.js'
export * from './output/index.js'
export * from './http/index.js'
export * from './config/index.js'
export * from './request/index.js'
export * from './runtime/index.js'
export * from './job/index.js'
