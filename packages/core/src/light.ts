/**
 * @portrait-animator/core/light: the parts of core that need no HTTP client and no configuration
 * schema (errors, media inputs and containers, outputs, request validation, runtime helpers, jobs),
 * without importing undici, zod and yaml. Importing it costs about a sixth of the CPU of the whole
 * package (measured: 45 ms against 270 ms), which matters for a process or worker thread that must
 * start fast, such as the offline animator's render workers. The values are the very same as the
 * package's: an error thrown from here is a `PortraitAnimatorError` of `@portrait-animator/core`.
 * @module
 */
export type * from './spec/index.js'
export * from './errors/index.js'
export * from './media/index.js'
export * from './output/index.js'
export * from './request/index.js'
export * from './runtime/index.js'
export * from './job/index.js'
