import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '@portrait-animator/core'
import { DEFAULT_RETIREMENT_RECHECK_MS, inForce, retirementKey, VENDOR_ENDPOINT, type RetirementRecord, type RetirementStore, type RetirementStoreOptions } from './retirement-store.js'

/**
 * Retirements in `<directory>/retired.json`, written atomically, so a restarted process does not
 * spend a request rediscovering them. Entries are keyed by `retirementKey`; a file written before
 * endpoints were recorded (`{ "ailab/live-photo": { at, reason } }`) reads as the vendor's endpoint.
 */
export class FileRetirementStore implements RetirementStore {
  private readonly path: string
  private readonly recheckAfterMs: number
  private readonly now: () => number

  constructor(directory: string, options: RetirementStoreOptions = {}) {
    this.path = join(directory, 'retired.json')
    this.recheckAfterMs = options.recheckAfterMs ?? DEFAULT_RETIREMENT_RECHECK_MS
    this.now = options.now ?? Date.now
  }

  async list(): Promise<RetirementRecord[]> {
    return Object.values(await this.read()).filter((record) => inForce(record, this.now(), this.recheckAfterMs))
  }

  async remember(record: RetirementRecord): Promise<void> {
    await this.write({ ...(await this.read()), [retirementKey(record.target, record.endpoint)]: record })
  }

  async forget(target: string, endpoint?: string): Promise<number> {
    const records = await this.read()
    const kept = Object.entries(records).filter(([, record]) => record.target !== target || (endpoint !== undefined && record.endpoint !== endpoint))
    const forgotten = Object.keys(records).length - kept.length
    if (forgotten > 0) await this.write(Object.fromEntries(kept))
    return forgotten
  }

  private async read(): Promise<Record<string, RetirementRecord>> {
    let document: Record<string, Partial<RetirementRecord>>
    try {
      document = JSON.parse(await readFile(this.path, 'utf8')) as Record<string, Partial<RetirementRecord>>
    } catch {
      return {}
    }
    const records: Record<string, RetirementRecord> = {}
    for (const [key, value] of Object.entries(document)) {
      if (typeof value !== 'object' || value === null || typeof value.at !== 'string') continue
      const record = { target: value.target ?? key, endpoint: value.endpoint ?? VENDOR_ENDPOINT, at: value.at, reason: String(value.reason ?? '') }
      records[retirementKey(record.target, record.endpoint)] = record
    }
    return records
  }

  private async write(records: Record<string, RetirementRecord>): Promise<void> {
    await writeFileAtomic(this.path, Buffer.from(JSON.stringify(records, null, 2)))
  }
}
