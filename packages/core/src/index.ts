/**
 * @portrait-animator/core: the PortraitAnimator contract, the error taxonomy, media inputs and
 * validation, and the HTTP helper.
 * @module
 */
export type * from './spec/index.js'
export * from './errors/index.js'
export * from './output/index.js'
export * from './http/index.js'
