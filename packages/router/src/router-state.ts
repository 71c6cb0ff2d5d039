import { join } from 'node:path'
import { CONFIG_DEFAULTS, type LoadedConfig } from '@portrait-animator/core'
import { FileRetirementStore } from './file-retirement-store.js'
import type { RetirementStore } from './retirement-store.js'
import type { RouterOptions } from './router-api.js'
import type { BreakerStore } from './state/breaker-store.js'
import { FileJobJournal } from './state/file-job-journal.js'
import type { JobJournal } from './state/job-journal-store.js'
import { MemoryBreakerStore } from './state/memory-breaker-store.js'
import { MemoryRateLimitStore } from './state/memory-rate-limit-store.js'
import type { RateLimitStore } from './state/rate-limit-store.js'
import { resolveStateDir } from './state-dir.js'

/** Where one router keeps what it remembers (see docs/architecture.md, "Where state lives"). */
export interface RouterState {
  /** The state folder (the config's `stateDir`, else the platform default). */
  readonly stateDir: string
  /** Absent with `journal: false` (and no journal passed in code). */
  readonly journal?: JobJournal
  readonly retirements: RetirementStore
  readonly breakers: BreakerStore
  readonly rateLimits: RateLimitStore
}

/** The stores passed in `options`, else the defaults: memory breakers and limits, file journal and retirements in the state folder. */
export function openRouterState(loaded: LoadedConfig, options: RouterOptions, now: () => number): RouterState {
  const config = loaded.config
  const stateDir = resolveStateDir(config.stateDir, options.env ?? process.env)
  const journal = options.journal ?? ((config.journal ?? CONFIG_DEFAULTS.journal) ? new FileJobJournal(join(stateDir, 'journal')) : undefined)
  const recheckAfterMs = config.breaker?.retiredRecheckMs ?? CONFIG_DEFAULTS.breaker.retiredRecheckMs
  return {
    stateDir,
    ...(journal ? { journal } : {}),
    retirements: options.retirementStore ?? new FileRetirementStore(stateDir, { recheckAfterMs, now }),
    breakers: options.breakerStore ?? new MemoryBreakerStore(now),
    rateLimits: options.rateLimitStore ?? new MemoryRateLimitStore({ now }),
  }
}
