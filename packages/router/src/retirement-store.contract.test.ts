import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FileRetirementStore } from './file-retirement-store.js'
import { MemoryRetirementStore } from './memory-retirement-store.js'
import type { RetirementRecord } from './retirement-store.js'
import { retirementStoreContract } from './testing/index.js'

const START = Date.parse('2026-01-01T00:00:00Z')

function record(target: string, endpoint: string, atMs = START): RetirementRecord {
  return { target, endpoint, at: new Date(atMs).toISOString(), reason: 'ERROR_AI_NOT_EXISTS' }
}

retirementStoreContract('memory', async (options) => new MemoryRetirementStore(options))
retirementStoreContract('file', async (options) => new FileRetirementStore(await mkdtemp(join(tmpdir(), 'pa-retired-')), options))

describe('file retirement store', () => {
  it('is read back by a new process, and reads the file written before endpoints were recorded', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'pa-retired-'))
    await writeFile(join(directory, 'retired.json'), JSON.stringify({ 'ailab/live-photo': { at: new Date(START).toISOString(), reason: 'old' } }))
    const store = new FileRetirementStore(directory, { now: () => START })
    expect(await store.list()).toEqual([{ target: 'ailab/live-photo', endpoint: 'vendor', at: new Date(START).toISOString(), reason: 'old' }])
    await store.remember(record('ailab/live-photo', 'http://a.example'))
    expect(await new FileRetirementStore(directory, { now: () => START }).list()).toHaveLength(2)
    expect(Object.keys(JSON.parse(await readFile(join(directory, 'retired.json'), 'utf8')) as object).sort()).toEqual(['ailab/live-photo', 'ailab/live-photo @ http://a.example'])
  })
})
