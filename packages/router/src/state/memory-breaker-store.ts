import type { BreakerOutcome, BreakerSettings, BreakerStore, StoredBreakerState } from './breaker-store.js'

interface BreakerRecord {
  failures: number
  openUntil: number
  /** When the half-open probe's lease ends (0: nobody probes). */
  probeUntil: number
}

/**
 * Circuit breakers in this process's memory (the default): `failureThreshold` consecutive
 * failures open a target for `cooldownMs`; then exactly one caller probes (half-open) and holds a
 * lease for `probeLeaseMs`; its success closes the breaker, its failure opens it again, and a
 * probe that never reports back frees the lease when it lapses.
 */
export class MemoryBreakerStore implements BreakerStore {
  private readonly records = new Map<string, BreakerRecord>()

  constructor(private readonly now: () => number = Date.now) {}

  async tryAcquire(target: string, settings: BreakerSettings): Promise<boolean> {
    const record = this.records.get(target)
    if (!record || record.failures < settings.failureThreshold) return true
    const now = this.now()
    if (now < record.openUntil || now < record.probeUntil) return false
    record.probeUntil = now + (settings.probeLeaseMs ?? settings.cooldownMs)
    return true
  }

  async record(target: string, outcome: BreakerOutcome, settings: BreakerSettings): Promise<{ readonly opened: boolean }> {
    if (outcome === 'success') {
      this.records.delete(target)
      return { opened: false }
    }
    const record = this.records.get(target) ?? { failures: 0, openUntil: 0, probeUntil: 0 }
    record.probeUntil = 0
    if (outcome === 'neutral') return { opened: false }
    record.failures++
    this.records.set(target, record)
    if (record.failures < settings.failureThreshold) return { opened: false }
    record.openUntil = this.now() + settings.cooldownMs
    return { opened: true }
  }

  async state(target: string, settings: BreakerSettings): Promise<StoredBreakerState> {
    return this.stateOf(this.records.get(target), settings.failureThreshold)
  }

  async list(): Promise<Array<{ readonly target: string } & StoredBreakerState>> {
    const listed: Array<{ readonly target: string } & StoredBreakerState> = []
    for (const [target, record] of this.records) {
      // A record is kept only once a failure was counted; it is listed once it opened.
      if (record.openUntil > 0) listed.push({ target, ...this.stateOf(record, 0) })
    }
    return listed
  }

  async reset(target: string): Promise<boolean> {
    const record = this.records.get(target)
    this.records.delete(target)
    return record !== undefined && record.openUntil > 0
  }

  private stateOf(record: BreakerRecord | undefined, failureThreshold: number): StoredBreakerState {
    if (!record || record.failures < failureThreshold || record.openUntil === 0) return { state: 'closed', failures: record?.failures ?? 0 }
    const now = this.now()
    if (now < record.openUntil) return { state: 'open', failures: record.failures, untilMs: record.openUntil }
    return { state: 'half-open', failures: record.failures, probing: now < record.probeUntil }
  }
}
