export { withoutGlobalErrorHandlers } from './without-global-error-handlers.js'
