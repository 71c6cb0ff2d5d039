import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmulator, type Emulator, type LedgerEntry } from '@portrait-animator/emulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RouterConfig } from '@portrait-animator/core'
import { createRouter, type RouterEvent } from '../src/index.js'
import { waitUntil } from '@portrait-animator/core/testing'
import { faultPlan } from './fixtures/fault-plan.js'
import { checkPlayableMp4 } from './fixtures/playable-mp4.js'
import { requestOutcomes, type Outcome } from './fixtures/request-outcomes.js'
import { uniquePortraits } from './fixtures/unique-portraits.js'

const REQUESTS = 500
const IN_FLIGHT = 24
const RETRY_AFTER_SECONDS = 1
const PAID = ['ailab/live-photo', 'fal/live-portrait', 'magichour/image-to-video', 'replicate/live-portrait'] as const
/** Four orders of the paid targets, each request taking the next, so every provider is first for a quarter of them. */
const ROUTES = {
  'ailab-first': [...PAID, 'local/warp'],
  'fal-first': ['fal/live-portrait', 'replicate/live-portrait', 'magichour/image-to-video', 'ailab/live-photo', 'local/warp'],
  'magichour-first': ['magichour/image-to-video', 'ailab/live-photo', 'replicate/live-portrait', 'fal/live-portrait', 'local/warp'],
  'replicate-first': ['replicate/live-portrait', 'fal/live-portrait', 'ailab/live-photo', 'magichour/image-to-video', 'local/warp'],
}
/**
 * The calls that submit a job, follow it or cancel it (not the uploads before a submission, whose
 * failures are plain refusals, nor the downloads of finished outputs, but for Replicate's below).
 */
const FAULTED_ROUTES = ['ailab.live-photo', 'fal.submit', 'fal.status', 'fal.result', 'magichour.create', 'magichour.get', 'replicate.create', 'replicate.get', 'replicate.cancel']
/**
 * Replicate's output downloads: one 5xx in every 20, the first download included. A download is
 * tried 3 times (core's output retries), and the test downloads one output after another, so two
 * faults never meet one download three times.
 */
const DOWNLOAD_FAULTS = { route: 'replicate.download', sequence: [503, ...(faultPlan(['replicate.download'], { seed: 8, callsPerRoute: 2_000, retryAfterSeconds: RETRY_AFTER_SECONDS, mix: { serverErrors: 1, rateLimits: 0, resets: 0, hangs: 0 } })[0]!.sequence ?? [])] }

/**
 * The default route's targets (the retired AILab endpoint, fal, Magic Hour, Replicate, then the offline
 * animator) against the emulator with the fault mix (20% 5xx, 10% 429 with Retry-After, 5%
 * resets, 5% hangs, in every block of 20 calls) on each call that submits or follows a job: 500 live-photo
 * requests must all succeed, each with a playable video, and no logical request may be charged
 * twice. The paid targets take turns being first, so each of them carries a quarter of the load.
 */
describe('router fault injection: 500 live-photo requests through 5xx, 429, resets and hangs', () => {
  let emulator: Emulator
  let stateDir: string
  const events: RouterEvent[] = []
  const outcomes: Outcome[] = []

  beforeAll(async () => {
    const portraits = await uniquePortraits(REQUESTS, 192)
    emulator = await startEmulator({
      seed: 8,
      jobDurationMs: 100,
      maxHangMs: 30_000,
      faults: [...faultPlan(FAULTED_ROUTES, { seed: 8, callsPerRoute: 20_000, retryAfterSeconds: RETRY_AFTER_SECONDS }), DOWNLOAD_FAULTS],
    })
    stateDir = await mkdtemp(join(tmpdir(), 'pa-router-faults-'))
    const baseUrl = emulator.baseUrl
    const config: RouterConfig = {
      providers: {
        ailab: { adapter: 'ailab', apiKey: 'fault-suite-ailab-key', baseUrl },
        fal: { adapter: 'fal', apiKey: 'fault-suite-id:fault-suite-secret', baseUrl },
        magichour: { adapter: 'magichour', apiKey: 'fault-suite-magichour-key', baseUrl, settings: { pollIntervalMs: 50 } },
        replicate: { adapter: 'replicate', apiKey: 'fault-suite-replicate-key', baseUrl: `${baseUrl}/v1`, settings: { pollIntervalMs: 50 } },
        local: { adapter: 'local', settings: { maxSide: 128 } },
      },
      routes: Object.fromEntries(Object.entries(ROUTES).map(([name, targets]) => [name, { strategy: 'fallback' as const, targets }])),
      retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 100, maxRetryAfterMs: 5_000 },
      breaker: { failureThreshold: 5, cooldownMs: 1_000 },
      timeouts: { attemptMs: 3_000 },
      targets: { 'local/warp': { timeoutMs: 120_000 } },
      stateDir,
    }
    const router = await createRouter(config, { onEvent: (event) => events.push(event) })
    outcomes.push(...(await requestOutcomes(router, portraits, { inFlight: IN_FLIGHT, routes: Object.keys(ROUTES), motion: { type: 'preset', preset: 'live-photo' } })))
    // Jobs abandoned by a lost answer still run to their end (and their charge) in the emulator.
    await waitUntil(() => !emulator.ledger.jobs().some((job) => job.outcome === 'pending'), { timeoutMs: 60_000, what: 'every abandoned job to end' })
  }, 600_000) // 160-260 s on a busy 2-core machine; a hang still fails

  afterAll(async () => {
    await emulator?.stop()
    if (stateDir) await rm(stateDir, { recursive: true, force: true })
  })

  it('serves every request', () => {
    const failures = outcomes.filter((outcome) => outcome.error !== undefined).map((outcome) => String(outcome.error))
    expect(failures).toEqual([])
    expect(outcomes).toHaveLength(REQUESTS)
  })

  it('returns a playable H.264 MP4 for every request, whoever served it', async () => {
    const problems: string[] = []
    for (const { result } of outcomes) {
      if (!result) continue
      try {
        checkPlayableMp4(await result.output.bytes())
      } catch (error) {
        problems.push(`${result.servedBy.target}: ${(error as Error).message}`)
      }
    }
    expect(problems).toEqual([])
  })

  it('really went through the faults: retries on 5xx and 429 (after Retry-After), lost answers, lost jobs, timeouts and fallbacks to every target', () => {
    const failedKinds = new Set(events.flatMap((event) => (event.type === 'attempt-failed' ? [event.errorKind] : [])))
    expect([...failedKinds]).toEqual(expect.arrayContaining(['unavailable', 'rate_limited', 'timeout']))
    // A 429's Retry-After is waited out exactly; other retries back off within retry.maxDelayMs.
    const retryDelays = events.flatMap((event) => (event.type === 'retry-scheduled' ? [event.delayMs] : []))
    expect(retryDelays).toContain(RETRY_AFTER_SECONDS * 1000)
    expect(retryDelays.filter((delay) => delay !== RETRY_AFTER_SECONDS * 1000 && delay > 100)).toEqual([])
    // Answers lost after sending (resets, hangs on a submission), and accepted jobs whose end was never seen (hangs on a status check).
    expect(events.some((event) => event.type === 'attempt-failed' && event.accepted === 'unknown')).toBe(true)
    expect(events.some((event) => event.type === 'attempt-failed' && event.accepted === true)).toBe(true)
    const servedBy = new Set(outcomes.map((outcome) => outcome.result?.servedBy.target))
    expect([...servedBy].sort()).toEqual([...PAID, 'local/warp'].sort())
  })

  it('put Replicate through them too: failed creates and status checks (5xx, 429, lost answers, timeouts), every prediction ended, none canceled and charged', () => {
    const failed = events.flatMap((event) => (event.type === 'attempt-failed' && event.target === 'replicate/live-portrait' ? [event] : []))
    expect([...new Set(failed.map((event) => event.errorKind))]).toEqual(expect.arrayContaining(['unavailable', 'rate_limited', 'timeout']))
    expect(failed.some((event) => event.accepted === 'unknown')).toBe(true)
    expect(emulator.ledger.jobs().filter((job) => job.provider === 'replicate' && job.outcome === 'pending')).toEqual([])
    const canceled = new Set(emulator.ledger.cancels({ provider: 'replicate' }).map((entry) => entry.requestId))
    expect(emulator.ledger.charges({ provider: 'replicate' }).filter((entry) => canceled.has(entry.requestId))).toEqual([])
  })

  it('charges no logical request twice: at most one paid job per request is kept, and it is the one that served it', () => {
    const doubles: string[] = []
    for (const { portrait, result } of outcomes) {
      const charges = emulator.ledger.charges({ inputDigest: portrait.digest })
      const refunded = new Set(emulator.ledger.refunds({ inputDigest: portrait.digest }).map((entry) => entry.requestId))
      const kept = charges.filter((entry) => !refunded.has(entry.requestId))
      if (kept.length > 1) doubles.push(`${portrait.digest.slice(0, 12)}: ${kept.map(describeCharge).join(', ')}; attempts ${JSON.stringify(result?.attempts.map((attempt) => [attempt.target, attempt.outcome, attempt.errorKind, attempt.accepted]))}`)
      const served = result?.servedBy.target
      if (served && served !== 'local/warp') {
        // A paid result is paid for exactly once, by the provider that served it.
        expect(kept.map((entry) => entry.provider)).toEqual([served.split('/')[0]])
      }
    }
    expect(doubles).toEqual([])
  })

  it('pays for a request served offline only when a paid job may have gone through, and then calls no other paid target', () => {
    const paidButOffline = outcomes.filter(({ portrait, result }) => result?.servedBy.target === 'local/warp' && emulator.ledger.netCredits({ inputDigest: portrait.digest }) > 0)
    expect(paidButOffline.length).toBeGreaterThan(0)
    for (const { result } of paidButOffline) {
      // The emulator's jobs never fail on their own here, so a failure after acceptance, or with
      // the answer lost, is a job that may be billed: nothing paid may be called after it.
      const riskyAt = result!.attempts.findIndex((attempt) => attempt.outcome === 'failed' && (attempt.accepted === true || attempt.accepted === 'unknown'))
      expect(riskyAt).toBeGreaterThanOrEqual(0)
      const paidCallsAfter = result!.attempts.slice(riskyAt + 1).filter((attempt) => attempt.outcome !== 'skipped' && attempt.target !== 'local/warp')
      expect(paidCallsAfter).toEqual([])
    }
    // Every charge in the ledger belongs to one of the 500 requests.
    const digests = new Set(outcomes.map((outcome) => outcome.portrait.digest))
    expect(emulator.ledger.charges().filter((entry) => !digests.has(entry.inputDigest ?? ''))).toEqual([])
  })
})

function describeCharge(entry: LedgerEntry): string {
  return `${entry.provider} ${entry.requestId}`
}
