import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FileRetirementStore } from './file-retirement-store.js'
import { MemoryRetirementStore } from './memory-retirement-store.js'
import type { RetirementRecord, RetirementStore, RetirementStoreOptions } from './retirement-store.js'

const DAY = 24 * 60 * 60 * 1000
const START = Date.parse('2026-01-01T00:00:00Z')

function record(target: string, endpoint: string, atMs = START): RetirementRecord {
  return { target, endpoint, at: new Date(atMs).toISOString(), reason: 'ERROR_AI_NOT_EXISTS' }
}

const stores: Array<[string, (options: RetirementStoreOptions) => Promise<RetirementStore>]> = [
  ['memory', async (options) => new MemoryRetirementStore(options)],
  ['file', async (options) => new FileRetirementStore(await mkdtemp(join(tmpdir(), 'pa-retired-')), options)],
]

describe.each(stores)('%s retirement store (contract)', (_name, create) => {
  it('remembers a retirement per target and endpoint', async () => {
    const store = await create({ now: () => START })
    await store.remember(record('ailab/live-photo', 'vendor'))
    await store.remember(record('ailab/live-photo', 'http://a.example'))
    await store.remember(record('ailab/live-photo', 'vendor'))
    expect((await store.list()).map((item) => item.endpoint).sort()).toEqual(['http://a.example', 'vendor'])
  })

  it('forgets one endpoint, or every endpoint of a target, and says how many', async () => {
    const store = await create({ now: () => START })
    await store.remember(record('ailab/live-photo', 'vendor'))
    await store.remember(record('ailab/live-photo', 'http://a.example'))
    await store.remember(record('fal/live-portrait', 'vendor'))
    expect(await store.forget('ailab/live-photo', 'http://a.example')).toBe(1)
    expect(await store.forget('ailab/live-photo', 'http://a.example')).toBe(0)
    expect(await store.forget('ailab/live-photo')).toBe(1)
    expect((await store.list()).map((item) => item.target)).toEqual(['fal/live-portrait'])
  })

  it('lets a retirement lapse after the recheck time, so the target is called again', async () => {
    let now = START
    const store = await create({ now: () => now, recheckAfterMs: DAY })
    await store.remember(record('ailab/live-photo', 'vendor'))
    now = START + DAY - 1
    expect(await store.list()).toHaveLength(1)
    now = START + DAY
    expect(await store.list()).toEqual([])
  })
})

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
