import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmulator, type Emulator } from '@portrait-animator/emulator'
import type { AnimationResult, RouterConfig } from '@portrait-animator/core'
import { waitUntil } from '@portrait-animator/core/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { createRouter } from '../src/index.js'
import { faultPlan } from './fixtures/fault-plan.js'
import { checkPlayableMp4 } from './fixtures/playable-mp4.js'
import { uniquePortraits } from './fixtures/unique-portraits.js'

/*
 * replicate/live-portrait loaded by adapter name and run through the router against the emulator:
 * the same model as fal/live-portrait on another host, so it is fal's fallback; and under the
 * issue's fault mix, no logical request is charged twice.
 */

let emulator: Emulator | undefined
let stateDir: string | undefined
afterEach(async () => {
  await emulator?.stop()
  if (stateDir) await rm(stateDir, { recursive: true, force: true })
  emulator = undefined
  stateDir = undefined
})

async function router(routeTargets: string[], faults: Parameters<typeof startEmulator>[0] = {}) {
  emulator = await startEmulator({ seed: 12, jobDurationMs: 100, maxHangMs: 10_000, ...faults })
  stateDir = await mkdtemp(join(tmpdir(), 'pa-router-replicate-'))
  const baseUrl = emulator.baseUrl
  const config: RouterConfig = {
    providers: {
      fal: { adapter: 'fal', apiKey: 'replicate-suite-id:secret', baseUrl },
      replicate: { adapter: 'replicate', apiKey: 'r8_replicate_suite', baseUrl: `${baseUrl}/v1`, settings: { pollIntervalMs: 25 } },
      local: { adapter: 'local', settings: { maxSide: 128 } },
    },
    routes: { default: { strategy: 'fallback', targets: routeTargets } },
    retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 100, maxRetryAfterMs: 5_000 },
    breaker: { failureThreshold: 50, cooldownMs: 1_000 },
    timeouts: { attemptMs: 3_000 },
    targets: { 'local/warp': { timeoutMs: 120_000 } },
    stateDir,
  }
  return createRouter(config)
}

describe('replicate/live-portrait through the router', () => {
  it('serves the live-photo preset when fal/live-portrait keeps failing, and only Replicate charges', async () => {
    const animator = await router(['fal/live-portrait', 'replicate/live-portrait'], { faults: [{ route: 'fal.submit', status: 503 }] })
    const [portrait] = await uniquePortraits(1, 192)
    const result = await animator.animate({ image: portrait!.bytes, motion: { type: 'preset', preset: 'live-photo' } })
    expect(result.servedBy.target).toBe('replicate/live-portrait')
    expect(result.attempts.map((attempt) => [attempt.target, attempt.outcome])).toContainEqual(['fal/live-portrait', 'failed'])
    expect(emulator!.ledger.charges({ provider: 'fal' })).toHaveLength(0)
    expect(emulator!.ledger.charges({ provider: 'replicate', inputDigest: portrait!.digest })).toHaveLength(1)
  })

  it('charges no logical request twice under 5xx, 429, resets and hangs on create, get and cancel, and downloads every output through 5xx', async () => {
    const downloads = faultPlan(['replicate.download'], { seed: 12, callsPerRoute: 2_000, retryAfterSeconds: 1, mix: { serverErrors: 1, rateLimits: 0, resets: 0, hangs: 0 } })[0]!
    const faults = [...faultPlan(['replicate.create', 'replicate.get', 'replicate.cancel'], { seed: 12, callsPerRoute: 2_000, retryAfterSeconds: 1 }), { ...downloads, sequence: [503, ...(downloads.sequence ?? [])] }]
    const animator = await router(['replicate/live-portrait', 'local/warp'], { faults })
    const portraits = await uniquePortraits(40, 160)
    const results: AnimationResult[] = []
    let next = 0
    const worker = async () => {
      while (next < portraits.length) {
        const portrait = portraits[next++]!
        results.push(await animator.animate({ image: portrait.bytes, motion: { type: 'preset', preset: 'live-photo' } }))
      }
    }
    await Promise.all(Array.from({ length: 8 }, worker))
    await waitUntil(() => !emulator!.ledger.jobs().some((job) => job.outcome === 'pending'), { timeoutMs: 30_000, what: 'every abandoned prediction to end' })
    expect(results).toHaveLength(40)
    expect(results.some((result) => result.servedBy.target === 'replicate/live-portrait')).toBe(true)
    const doubles = portraits.filter((portrait) => emulator!.ledger.charges({ inputDigest: portrait.digest }).length > 1)
    expect(doubles.map((portrait) => portrait.digest.slice(0, 12))).toEqual([])
    // A result Replicate served was charged once, to Replicate; a canceled prediction never.
    for (const result of results.filter((entry) => entry.servedBy.target === 'replicate/live-portrait')) {
      expect(emulator!.ledger.charges({ requestId: String(result.providerMetadata['replicate']?.['predictionId']) })).toHaveLength(1)
    }
    const canceled = new Set(emulator!.ledger.cancels({ provider: 'replicate' }).map((entry) => entry.requestId))
    expect(emulator!.ledger.charges({ provider: 'replicate' }).filter((entry) => canceled.has(entry.requestId))).toEqual([])
    // Downloads one after another: the first gets a 503, and core's download retry gets every output.
    for (const result of results) checkPlayableMp4(await result.output.bytes())
  }, 300_000)
})
