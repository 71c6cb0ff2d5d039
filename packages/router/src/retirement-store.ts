import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '@portrait-animator/core'

/** What is remembered about a retired target. */
export interface Retirement {
  readonly at: string
  readonly reason: string
}

/**
 * Remembers targets that answered `retired`, across restarts, in `<stateDir>/retired.json`, so a
 * restarted process does not spend a request rediscovering it.
 */
export class RetirementStore {
  private readonly path: string
  private entries: Record<string, Retirement> = {}

  constructor(directory: string) {
    this.path = join(directory, 'retired.json')
  }

  async load(): Promise<Readonly<Record<string, Retirement>>> {
    try {
      this.entries = JSON.parse(await readFile(this.path, 'utf8')) as Record<string, Retirement>
    } catch {
      this.entries = {}
    }
    return this.entries
  }

  async remember(target: string, reason: string): Promise<void> {
    this.entries = { ...this.entries, [target]: { at: new Date().toISOString(), reason } }
    await writeFileAtomic(this.path, Buffer.from(JSON.stringify(this.entries, null, 2)))
  }
}
