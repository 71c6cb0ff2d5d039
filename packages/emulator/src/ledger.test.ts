import { createHash } from 'node:crypto'
import { createFalClient } from '@fal-ai/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { accountId } from './account-id.js'
import { falFetch } from './fal-fetch.js'
import { startEmulator, type Emulator } from './start-emulator.js'
import { createTestPortrait } from './test-images.js'

const FAL_KEY = 'ledger-key-id:ledger-secret-value'
const AILAB_KEY = 'ledger-ailab-secret-key'

describe('ledger', () => {
  let emulator: Emulator

  beforeAll(async () => {
    emulator = await startEmulator({ seed: 9, jobDurationMs: 60, faults: [{ route: 'ailab.live-photo', reset: true, times: 1 }] })
  })
  afterAll(() => emulator.stop())

  it('charges a fal request exactly once, at completion, however often it is polled', async () => {
    const fal = createFalClient({ credentials: FAL_KEY, fetch: falFetch(emulator.baseUrl) })
    const { request_id: requestId } = await fal.queue.submit('fal-ai/live-portrait/image', { input: { image_url: 'https://example.com/p.jpg' } })
    expect(emulator.ledger.charges({ requestId })).toHaveLength(0)
    await fal.queue.subscribeToStatus('fal-ai/live-portrait/image', { requestId, pollInterval: 10 })
    for (let index = 0; index < 3; index++) {
      await fal.queue.status('fal-ai/live-portrait/image', { requestId })
      await fal.queue.result('fal-ai/live-portrait/image', { requestId })
    }
    expect(emulator.ledger.submissions({ requestId })).toHaveLength(1)
    expect(emulator.ledger.charges({ requestId })).toMatchObject([{ provider: 'fal', account: accountId(FAL_KEY), credits: 1, kind: 'charge' }])
    const job = emulator.ledger.job(requestId)!
    expect(job.outcome).toBe('completed')
    expect(job.resultRequests).toBe(3)
    expect(job.statusRequests).toBe(job.statusRequestTimes.length)
    expect(job.statusRequests).toBeGreaterThanOrEqual(4)
    expect(job.completedAt).toBeGreaterThanOrEqual(job.submittedAt)
    expect(job.completionSeenAt).toBeGreaterThanOrEqual(job.completedAt!)
  })

  it('records every stored upload with the digest of its bytes, for fal and Magic Hour', async () => {
    const fal = createFalClient({ credentials: FAL_KEY, fetch: falFetch(emulator.baseUrl) })
    const bytes = await createTestPortrait({ format: 'png' })
    const before = emulator.ledger.uploads().length
    await fal.storage.upload(new Blob([new Uint8Array(bytes)], { type: 'image/png' }))
    await fal.storage.upload(new Blob([new Uint8Array(bytes)], { type: 'image/png' }))
    const digest = createHash('sha256').update(bytes).digest('hex')
    expect(emulator.ledger.uploads({ provider: 'fal', inputDigest: digest })).toMatchObject([
      { provider: 'fal', bytes: bytes.byteLength, contentType: 'image/png' },
      { provider: 'fal', bytes: bytes.byteLength, contentType: 'image/png' },
    ])
    expect(emulator.ledger.uploads()).toHaveLength(before + 2)
    expect(emulator.ledger.uploads({ provider: 'magichour' })).toHaveLength(0)
  })

  it('shows the cost of a blind retry: a reset after acceptance, retried, is two charges for one logical request', async () => {
    const form = async (): Promise<FormData> => {
      const body = new FormData()
      body.append('image_target', new Blob([new Uint8Array(await createTestPortrait())]), 'p.png')
      return body
    }
    const send = async () => fetch(`${emulator.baseUrl}/api/portrait/effects/live-photo`, { method: 'POST', headers: { 'ailabapi-api-key': AILAB_KEY }, body: await form() })
    await expect(send().then((response) => response.json())).rejects.toBeInstanceOf(TypeError)
    expect((await send()).status).toBe(200)
    expect(emulator.ledger.charges({ key: AILAB_KEY }).map((entry) => entry.credits)).toEqual([22, 22])
    expect(emulator.ledger.netCredits({ provider: 'ailab', key: AILAB_KEY })).toBe(44)
  })

  it('never holds a key: only its short hash, in the object and in GET /__emulator/ledger', async () => {
    const response = await fetch(`${emulator.baseUrl}/__emulator/ledger`)
    const text = await response.text()
    expect(text).not.toContain(FAL_KEY)
    expect(text).not.toContain('ledger-secret-value')
    expect(text).not.toContain(AILAB_KEY)
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(emulator.ledger.toJSON())))
    expect(accountId(AILAB_KEY)).toMatch(/^acct_[0-9a-f]{12}$/)
  })

  it('forgets everything on POST /__emulator/reset', async () => {
    expect(emulator.ledger.entries().length).toBeGreaterThan(0)
    const response = await fetch(`${emulator.baseUrl}/__emulator/reset`, { method: 'POST' })
    expect(response.status).toBe(204)
    expect(emulator.ledger.toJSON()).toEqual({ entries: [], jobs: [], uploads: [], rateLimited: [] })
  })
})
