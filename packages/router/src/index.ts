/**
 * @portrait-animator/router: `createRouter()`, one PortraitAnimator over many targets with
 * strategies (fallback, split, compare, shadow), retries, breakers, budgets, limits, the job
 * journal and never paying twice.
 * @module
 */
export { DEFAULT_BACKOFF, retryDelay, type BackoffPolicy } from './backoff.js'
export { TargetBreaker, type BreakerState } from './policies/breaker.js'
export { createRouter } from './create-router.js'
export type { ResumedJob, ResumeOutcome, Router, RouterCallOptions, RouterOptions, TargetInfo, UnknownSubmit } from './router-api.js'
export type { CompareEntry } from '@portrait-animator/core'
export type { BreakerOutcome, BreakerSettings, BreakerStore, StoredBreakerState } from './state/breaker-store.js'
export type { RateLimits, RateLimitStore, ReleaseSlot } from './state/rate-limit-store.js'
export type { JobJournal, JournalEntry } from './state/job-journal-store.js'
export type { SubmitIntent, UnknownAcceptancePolicy } from './state/submit-intent.js'
export { MemoryBreakerStore } from './state/memory-breaker-store.js'
export { MemoryRateLimitStore, type MemoryRateLimitStoreOptions } from './state/memory-rate-limit-store.js'
export { FileJobJournal } from './state/file-job-journal.js'
export { MemoryJobJournal } from './state/memory-job-journal.js'
export { FileRetirementStore } from './file-retirement-store.js'
export { MemoryRetirementStore } from './memory-retirement-store.js'
export { DEFAULT_RETIREMENT_RECHECK_MS, VENDOR_ENDPOINT, type RetirementRecord, type RetirementStore, type RetirementStoreOptions } from './retirement-store.js'
export type { RouterEvent, RouterEventListener, SkipCode } from './router-events.js'
export { defaultStateDir, resolveStateDir, STATE_DIR_ENV, type PlatformPaths } from './state-dir.js'
export { pickWeighted, stickyFraction } from './sticky-hash.js'
export { inForce, retirementKey } from './retirement-store.js'
