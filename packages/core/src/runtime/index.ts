export { withoutGlobalErrorHandlers } from './without-global-error-handlers.js'
export { withDeadline, type Deadline } from './with-deadline.js'
export { sleep } from './sleep.js'
export { ConcurrencyLimit } from './concurrency-limit.js'
