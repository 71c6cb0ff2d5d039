/**
 * @portrait-animator/queue: batch animation across processes and machines. Redis implementations
 * of the router's state stores, and a BullMQ queue of animation jobs with workers that never pay
 * twice for one portrait.
 * @module
 */
export { connectRedis } from './redis-connection.js'
export { DEFAULT_PREFIX, type RedisStoreOptions } from './redis-keys.js'
export { RedisBreakerStore, type RedisBreakerStoreOptions } from './redis-breaker-store.js'
export { RedisJobJournal } from './redis-job-journal.js'
export { RedisRateLimitStore, type RedisRateLimitStoreOptions } from './redis-rate-limit-store.js'
export { RedisRetirementStore } from './redis-retirement-store.js'
export { ANIMATION_QUEUE, animationJobId, digestFile, failureMessage, parseFailure, type AnimationJobData, type AnimationJobFailure, type AnimationJobProgress, type AnimationJobResult } from './animation-job.js'
export { DEFAULT_LOCK_DURATION_MS, DEFAULT_MAX_STALLED_COUNT, DEFAULT_STALLED_INTERVAL_MS, startAnimationWorker, type AnimationWorker, type AnimationWorkerOptions } from './animation-worker.js'
export type { BatchBackend, BatchJob, BatchJobStatus } from './batch-backend.js'
export { InProcessBatchBackend, type InProcessBatchBackendOptions } from './in-process-batch-backend.js'
export { KEEP_FINISHED_JOBS_S, RedisBatchBackend, type RedisBatchBackendOptions } from './redis-batch-backend.js'
export { AnimationJobError, runAnimationJob, type JobHandleJournal, type JobRunnerDependencies, type RunnableJob } from './run-animation-job.js'
export { sharedLimitFactories, submissionKey } from './shared-limit-factories.js'
export { QueuedAnimator, type QueuedAnimatorOptions } from './queued-animator.js'
export { waitForJob, type JobEnding, type WaitForJobOptions } from './wait-for-job.js'
export { targetRouteName, WorkerRouters, type WorkerRouterOptions } from './worker-routers.js'
export type { SubmitIntent, UnknownAcceptancePolicy } from './submit-intent.js'
