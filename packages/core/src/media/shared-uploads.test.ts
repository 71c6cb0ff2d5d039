import { afterEach, describe, expect, it, vi } from 'vitest'
import { SharedUploads } from './shared-uploads.js'

afterEach(() => vi.useRealTimers())

describe('SharedUploads', () => {
  it('shares one upload in flight, forgets a failure, and uploads again after expiry', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 1_000_000 })
    const uploads = new SharedUploads<string>()
    let calls = 0
    const start = (fail = false) => async () => {
      calls += 1
      if (fail) throw new Error('storage said no')
      return `url-${calls}`
    }
    const until = () => Date.now() + 60_000
    await expect(Promise.all([uploads.get('a', start(true), until), uploads.get('a', start(true), until)])).rejects.toThrow('storage said no')
    expect(calls).toBe(1)
    expect(await Promise.all([uploads.get('a', start(), until), uploads.get('a', start(), until)])).toEqual(['url-2', 'url-2'])
    expect(await uploads.get('b', start(), until)).toBe('url-3')
    vi.setSystemTime(1_059_999)
    expect(await uploads.get('a', start(), until)).toBe('url-2')
    vi.setSystemTime(1_060_000)
    expect(await uploads.get('a', start(), until)).toBe('url-4')
  })

  it('keeps at most maxEntries finished uploads', async () => {
    const uploads = new SharedUploads<number>({ maxEntries: 2 })
    for (const [index, key] of ['a', 'b', 'c'].entries()) await uploads.get(key, async () => index, () => Date.now() + 1000 * (index + 1))
    expect(uploads.size).toBe(2)
    expect(uploads.find('a')).toBeUndefined()
  })
})
