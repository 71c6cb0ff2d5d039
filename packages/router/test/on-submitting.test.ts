import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AnimationRequest, Motion } from '@portrait-animator/core'
import { expectAnimatorError } from '@portrait-animator/core/testing'
import { createTestPortrait, startEmulator, type Emulator, type ProviderName } from '@portrait-animator/emulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRouter, type Router } from '../src/index.js'

/*
 * `onSubmitting` is the moment a queue marks "paid submit in flight": every paid adapter must call
 * it after its uploads and before the request that creates (and charges) the job, through the
 * router; and when it fails, nothing is sent.
 */

let emulator: Emulator
let router: Router
let folder = ''

const TARGETS: ReadonlyArray<{ target: string; provider: ProviderName; motion: Motion }> = [
  { target: 'fal/live-portrait-image', provider: 'fal', motion: { type: 'expression', smile: 0.5 } },
  { target: 'magichour/image-to-video', provider: 'magichour', motion: { type: 'preset', preset: 'live-photo' } },
  { target: 'replicate/live-portrait', provider: 'replicate', motion: { type: 'preset', preset: 'live-photo' } },
  { target: 'ailab/live-photo', provider: 'ailab', motion: { type: 'preset', preset: 'live-photo' } },
]

beforeAll(async () => {
  emulator = await startEmulator({ seed: 41, jobDurationMs: 50 })
  folder = await mkdtemp(join(tmpdir(), 'pa-on-submitting-'))
  const baseUrl = emulator.baseUrl
  router = await createRouter({
    providers: {
      fal: { adapter: 'fal', apiKey: 'submitting-id:secret', baseUrl, settings: { allowPrivateNetwork: true } },
      magichour: { adapter: 'magichour', apiKey: 'submitting-mh-key', baseUrl, settings: { allowPrivateNetwork: true, pollIntervalMs: 50 } },
      replicate: { adapter: 'replicate', apiKey: 'r8_submitting', baseUrl: `${baseUrl}/v1`, settings: { pollIntervalMs: 25 } },
      ailab: { adapter: 'ailab', apiKey: 'submitting-ailab-key', baseUrl },
    },
    routes: Object.fromEntries(TARGETS.map(({ target }) => [target, { strategy: 'fallback' as const, targets: [target] }])),
    retry: { maxAttempts: 1 },
    stateDir: join(folder, 'state'),
  }, { allowPrivateNetwork: true })
})

afterAll(async () => {
  await emulator?.stop()
  if (folder) await rm(folder, { recursive: true, force: true })
})

async function request(width: number, motion: Motion): Promise<AnimationRequest> {
  return { image: new Uint8Array(await createTestPortrait({ width, height: 200 })), motion }
}

describe('onSubmitting, through the router', () => {
  it.each(TARGETS.map((entry, index) => ({ ...entry, width: 200 + index })))('$target calls it once, after every upload and before the paid request', async ({ target, provider, motion, width }) => {
    const seen: Array<{ submissions: number; uploads: number }> = []
    const before = emulator.ledger.submissions({ provider }).length
    const result = await router.animate(await request(width, motion), {
      route: target,
      onSubmitting: () => void seen.push({ submissions: emulator.ledger.submissions({ provider }).length, uploads: emulator.ledger.uploads().length }),
    })
    expect(result.servedBy.target).toBe(target)
    expect(seen).toHaveLength(1)
    expect(seen[0]!.submissions).toBe(before)
    expect(emulator.ledger.submissions({ provider })).toHaveLength(before + 1)
    // Every upload of the call was done before: no paid request between the mark and them.
    expect(seen[0]!.uploads).toBe(emulator.ledger.uploads().length)
  })

  it.each(TARGETS.map((entry, index) => ({ ...entry, width: 220 + index })))('$target sends nothing when it fails, and says so (accepted: false)', async ({ target, provider, motion, width }) => {
    const before = emulator.ledger.submissions({ provider }).length
    const error = await expectAnimatorError(router.animate(await request(width, motion), { route: target, onSubmitting: () => Promise.reject(new Error('the journal is down')) }))
    expect(error.message).toMatch(/onSubmitting failed, so nothing was submitted: the journal is down/)
    expect(error.attempts?.[0]).toMatchObject({ target, accepted: false })
    expect(emulator.ledger.submissions({ provider })).toHaveLength(before)
  })
})
