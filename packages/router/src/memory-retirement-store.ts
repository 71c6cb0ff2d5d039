import { DEFAULT_RETIREMENT_RECHECK_MS, inForce, retirementKey, type RetirementRecord, type RetirementStore, type RetirementStoreOptions } from './retirement-store.js'

/** Retirements kept in this process only: a restart forgets them. */
export class MemoryRetirementStore implements RetirementStore {
  private readonly records = new Map<string, RetirementRecord>()
  private readonly recheckAfterMs: number
  private readonly now: () => number

  constructor(options: RetirementStoreOptions = {}) {
    this.recheckAfterMs = options.recheckAfterMs ?? DEFAULT_RETIREMENT_RECHECK_MS
    this.now = options.now ?? Date.now
  }

  async list(): Promise<RetirementRecord[]> {
    return [...this.records.values()].filter((record) => inForce(record, this.now(), this.recheckAfterMs))
  }

  async remember(record: RetirementRecord): Promise<void> {
    this.records.set(retirementKey(record.target, record.endpoint), record)
  }

  async forget(target: string, endpoint?: string): Promise<number> {
    let forgotten = 0
    for (const [key, record] of this.records) {
      if (record.target === target && (endpoint === undefined || record.endpoint === endpoint)) {
        this.records.delete(key)
        forgotten++
      }
    }
    return forgotten
  }
}
