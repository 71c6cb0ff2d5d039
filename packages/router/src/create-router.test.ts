import { readdirSync, readFileSync } from 'node:fs'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { AnimationRequest, AnimatorProviderFactory, PortraitAnimator, RouterConfig } from '@portrait-animator/core'
import { createScriptedAnimator, waitUntil, type ScriptedAnimator, type ScriptStep } from '@portrait-animator/core/testing'
import { createRouter } from './create-router.js'
import type { RouterOptions } from './router-api.js'
import type { RouterEvent } from './router-events.js'
import type { JournalEntry } from './state/job-journal-store.js'
import { pngBytes, wavBytes } from '../../core/src/media/test-fixtures.test-helpers.js'
import { expectAnimatorError } from '@portrait-animator/core/testing'

const PNG = pngBytes(1, 1)
const livePhoto: AnimationRequest = { image: PNG, motion: { type: 'preset', preset: 'live-photo' } }

async function stateDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'pa-router-'))
}

/** A fallback route over scripted animators, with instant backoff. */
async function routerOver(
  animators: Record<string, ScriptedAnimator>,
  extra: Partial<RouterConfig> = {},
  options: RouterOptions = {},
) {
  const ids = Object.keys(animators)
  const providers = Object.fromEntries(ids.map((id) => [id.split('/')[0]!, { adapter: id.split('/')[0]! }]))
  const events: RouterEvent[] = []
  const router = await createRouter(
    { providers, routes: { default: { strategy: 'fallback', targets: ids } }, stateDir: await stateDir(), retry: { baseDelayMs: 1, maxDelayMs: 2 }, ...extra },
    { animators, random: () => 0.5, onEvent: (event) => events.push(event), factories: Object.fromEntries(ids.map((id) => [id.split('/')[0]!, unusedFactory])), ...options },
  )
  return { router, events }
}
const unusedFactory: AnimatorProviderFactory = () => {
  throw new Error('not used')
}

function scripted(target: string, script: ScriptStep[], extra: Parameters<typeof createScriptedAnimator>[0] = {}): ScriptedAnimator {
  const [provider, modelId] = target.split('/')
  return createScriptedAnimator({ provider: provider!, modelId: modelId!, script, capabilities: { offline: false }, ...extra })
}

describe('the default configuration', () => {
  it('with no keys, skips the retired and unconfigured targets with reasons and serves from the local animator', async () => {
    const local = createScriptedAnimator({ provider: 'local', modelId: 'warp' })
    const cloud = (name: string, models: string[], retired = false): AnimatorProviderFactory => () => ({
      name,
      models,
      animator: (modelId) =>
        createScriptedAnimator({
          provider: name,
          modelId,
          capabilities: { offline: false, ...(retired ? { lifecycle: { status: 'retired', note: 'AILabTools discontinued Live Photos.' } } : {}) },
        }),
    })
    const events: RouterEvent[] = []
    const router = await createRouter(undefined, {
      env: {},
      onEvent: (event) => events.push(event),
      factories: {
        ailab: cloud('ailab', ['live-photo'], true),
        fal: cloud('fal', ['live-portrait', 'live-portrait-image', 'sadtalker', 'kling-avatar-v2-standard', 'omnihuman-v1-5']),
        magichour: cloud('magichour', ['talking-photo', 'image-to-video']),
        local: () => ({ name: 'local', models: ['warp'], animator: () => local }),
      },
    })
    const result = await router.animate(livePhoto)
    expect(result.servedBy.target).toBe('local/warp')
    expect(result.attempts.map((attempt) => [attempt.target, attempt.outcome, attempt.reason])).toEqual([
      ['ailab/live-photo', 'skipped', 'retired by the provider: AILabTools discontinued Live Photos.'],
      ['fal/live-portrait', 'skipped', 'not configured: FAL_KEY is not set'],
      ['replicate/live-portrait', 'skipped', 'not configured: REPLICATE_API_TOKEN is not set'],
      ['magichour/image-to-video', 'skipped', 'not configured: MAGIC_HOUR_API_KEY is not set'],
      ['local/warp', 'succeeded', undefined],
    ])
    expect(events.filter((event) => event.type === 'skipped').map((event) => event.type === 'skipped' && event.code)).toEqual(['retired', 'unconfigured', 'unconfigured', 'unconfigured'])
    expect(router.targets().find((target) => target.target === 'fal/live-portrait')).toMatchObject({ configured: false, reason: 'FAL_KEY is not set' })
  })

  it('routes audio requests to the talking route by motion', async () => {
    const talking = createScriptedAnimator({ provider: 'magichour', modelId: 'talking-photo' })
    const router = await createRouter(undefined, {
      env: { MAGIC_HOUR_API_KEY: 'mh-key-123456' },
      factories: {
        magichour: () => ({ name: 'magichour', models: ['talking-photo', 'image-to-video'], animator: () => talking }),
        fal: () => ({ name: 'fal', models: [], unconfiguredReason: 'FAL_KEY is not set', animator: () => talking }),
        ailab: () => ({ name: 'ailab', models: [], animator: () => talking }),
        local: () => ({ name: 'local', models: [], animator: () => talking }),
      },
    })
    const wav = wavBytes({ seconds: 0.1, sampleRate: 8000 })
    const result = await router.animate({ image: PNG, motion: { type: 'audio', audio: wav } })
    expect(result.servedBy.target).toBe('magichour/talking-photo')
    expect(talking.calls).toHaveLength(1)
  })
})

describe('fallback and retries', () => {
  it('retries a retryable failure, then falls back, recording every attempt', async () => {
    const fal = scripted('fal/live-portrait', [{ type: 'fail', error: { kind: 'unavailable', statusCode: 503, accepted: false } }])
    const local = scripted('local/warp', [{ type: 'succeed' }])
    const { router, events } = await routerOver({ 'fal/live-portrait': fal, 'local/warp': local })
    const result = await router.animate(livePhoto)
    expect(result.servedBy.target).toBe('local/warp')
    expect(fal.calls).toHaveLength(3)
    expect(result.attempts.map((attempt) => [attempt.target, attempt.attempt, attempt.outcome, attempt.errorKind])).toEqual([
      ['fal/live-portrait', 1, 'failed', 'unavailable'],
      ['fal/live-portrait', 2, 'failed', 'unavailable'],
      ['fal/live-portrait', 3, 'failed', 'unavailable'],
      ['local/warp', 1, 'succeeded', undefined],
    ])
    expect(events.map((event) => event.type)).toEqual([
      'attempt-started', 'attempt-failed', 'retry-scheduled',
      'attempt-started', 'attempt-failed', 'retry-scheduled',
      'attempt-started', 'attempt-failed', 'fallback',
      'attempt-started', 'result',
    ])
  })

  it('honours Retry-After up to the cap and moves on when asked to wait longer', async () => {
    const fal = scripted('fal/live-portrait', [
      { type: 'fail', error: { kind: 'rate_limited', retryAfterMs: 20, accepted: false } },
      { type: 'fail', error: { kind: 'rate_limited', retryAfterMs: 60_000, accepted: false } },
    ])
    const local = scripted('local/warp', [{ type: 'succeed' }])
    const { router, events } = await routerOver({ 'fal/live-portrait': fal, 'local/warp': local }, { retry: { maxRetryAfterMs: 1000 } })
    await router.animate(livePhoto)
    const delays = events.flatMap((event) => (event.type === 'retry-scheduled' ? [event.delayMs] : []))
    expect(delays).toEqual([20])
    expect(fal.calls).toHaveLength(2)
  })

  it('does not retry kinds that cannot improve', async () => {
    const fal = scripted('fal/live-portrait', [{ type: 'fail', error: { kind: 'auth', statusCode: 401, accepted: false } }])
    const local = scripted('local/warp', [{ type: 'succeed' }])
    const { router } = await routerOver({ 'fal/live-portrait': fal, 'local/warp': local })
    await router.animate(livePhoto)
    expect(fal.calls).toHaveLength(1)
  })

  it('stops at no_face by default, and falls back when configured to', async () => {
    const noFace = () => scripted('fal/live-portrait', [{ type: 'fail', error: { kind: 'no_face', accepted: false } }])
    const local = scripted('local/warp', [{ type: 'succeed' }])
    const first = await routerOver({ 'fal/live-portrait': noFace(), 'local/warp': local })
    const error = await expectAnimatorError(first.router.animate(livePhoto))
    expect(error.kind).toBe('no_face')
    expect(error.attempts?.map((attempt) => attempt.target)).toEqual(['fal/live-portrait'])
    expect(local.calls).toHaveLength(0)
    const second = await routerOver({ 'fal/live-portrait': noFace(), 'local/warp': local }, { fallbackOn: { no_face: true } })
    expect((await second.router.animate(livePhoto)).servedBy.target).toBe('local/warp')
  })

  it('lists every attempt and why when all targets fail', async () => {
    const fal = scripted('fal/live-portrait', [{ type: 'fail', error: { kind: 'insufficient_credits', accepted: false } }])
    const mh = scripted('magichour/image-to-video', [{ type: 'fail', error: { kind: 'auth', accepted: false } }])
    const { router, events } = await routerOver({ 'fal/live-portrait': fal, 'magichour/image-to-video': mh })
    const error = await expectAnimatorError(router.animate(livePhoto))
    expect(error.kind).toBe('auth')
    expect(error.message).toContain('fal/live-portrait: insufficient_credits')
    expect(error.message).toContain('magichour/image-to-video: auth')
    expect(error.attempts).toHaveLength(2)
    expect(events.at(-1)).toMatchObject({ type: 'failed', errorKind: 'auth' })
  })

  it('skips a target whose capabilities cannot serve the request, without calling it', async () => {
    const audioOnly = scripted('magichour/talking-photo', [{ type: 'succeed' }], { capabilities: { offline: false, motions: ['audio'] } })
    const local = scripted('local/warp', [{ type: 'succeed' }])
    const { router } = await routerOver({ 'magichour/talking-photo': audioOnly, 'local/warp': local })
    const result = await router.animate(livePhoto)
    expect(audioOnly.calls).toHaveLength(0)
    expect(result.attempts[0]).toMatchObject({ outcome: 'skipped', reason: 'does not accept preset motion (accepts audio)' })
  })

  it('rejects bad input before any target is called', async () => {
    const fal = scripted('fal/live-portrait', [{ type: 'succeed' }])
    const { router } = await routerOver({ 'fal/live-portrait': fal })
    const error = await expectAnimatorError(router.animate({ image: Buffer.from('<html>not an image</html>'), motion: { type: 'preset', preset: 'live-photo' } }))
    expect(error).toMatchObject({ kind: 'invalid_input', field: 'image' })
    expect(fal.calls).toHaveLength(0)
  })

  it('reports invalid_input when every target\'s limits reject the image', async () => {
    const small = scripted('fal/live-portrait', [{ type: 'succeed' }], { capabilities: { offline: false, inputs: { image: { formats: ['jpeg'] } } } })
    const { router } = await routerOver({ 'fal/live-portrait': small })
    const error = await expectAnimatorError(router.animate(livePhoto))
    expect(error).toMatchObject({ kind: 'invalid_input', field: 'image', rule: 'format' })
    expect(small.calls).toHaveLength(0)
  })
})

describe('never paying twice', () => {
  const lost = { kind: 'unavailable' as const, accepted: 'unknown' as const, message: 'connection reset after the upload' }

  it('does not resubmit to a paid target whose answer was lost, and continues only offline by default', async () => {
    const ailab = scripted('ailab/live-photo', [{ type: 'fail', error: lost }])
    const fal = scripted('fal/live-portrait', [{ type: 'succeed' }])
    const local = scripted('local/warp', [{ type: 'succeed' }], { capabilities: { offline: true } })
    const { router } = await routerOver({ 'ailab/live-photo': ailab, 'fal/live-portrait': fal, 'local/warp': local })
    const result = await router.animate(livePhoto)
    expect(ailab.calls).toHaveLength(1)
    expect(fal.calls).toHaveLength(0)
    expect(result.servedBy.target).toBe('local/warp')
    expect(result.attempts.map((attempt) => [attempt.target, attempt.outcome, attempt.accepted])).toEqual([
      ['ailab/live-photo', 'failed', 'unknown'],
      ['fal/live-portrait', 'skipped', undefined],
      ['local/warp', 'succeeded', true],
    ])
  })

  it('stops, or continues, when the policy says so', async () => {
    const make = () => ({ 'ailab/live-photo': scripted('ailab/live-photo', [{ type: 'fail', error: lost }]), 'fal/live-portrait': scripted('fal/live-portrait', [{ type: 'succeed' }]) })
    const stop = await routerOver(make(), { unknownAcceptance: 'stop' })
    expect(await expectAnimatorError(stop.router.animate(livePhoto))).toMatchObject({ kind: 'unavailable', accepted: 'unknown' })
    const go = await routerOver(make(), { unknownAcceptance: 'continue' })
    expect((await go.router.animate(livePhoto)).servedBy.target).toBe('fal/live-portrait')
  })

  it('retries a submission that was provably not accepted', async () => {
    const fal = scripted('fal/live-portrait', [{ type: 'fail', error: { kind: 'unavailable', accepted: false } }, { type: 'succeed' }])
    const { router } = await routerOver({ 'fal/live-portrait': fal })
    const result = await router.animate(livePhoto)
    expect(result.servedBy.target).toBe('fal/live-portrait')
    expect(fal.calls).toHaveLength(2)
  })

  it('fails with budget_exceeded before anything is submitted', async () => {
    const fal = scripted('fal/live-portrait', [{ type: 'succeed' }], { estimate: { usd: 0.5, basis: 'estimated' } })
    const { router } = await routerOver({ 'fal/live-portrait': fal }, { budget: { maxUsdPerRequest: 0.1 } })
    const error = await expectAnimatorError(router.animate(livePhoto))
    expect(error.kind).toBe('budget_exceeded')
    expect(error.message).toContain('estimated $0.500 is above the $0.1 budget')
    expect(fal.calls).toHaveLength(0)
  })
})

describe('circuit breakers', () => {
  it('opens after consecutive failures, skips the target during the cooldown, then lets one probe through', async () => {
    let clock = 1_000_000
    const fal = scripted('fal/live-portrait', [
      { type: 'fail', error: { kind: 'unavailable', accepted: false } },
      { type: 'fail', error: { kind: 'unavailable', accepted: false } },
      { type: 'succeed' },
    ])
    const local = scripted('local/warp', [{ type: 'succeed' }])
    const { router, events } = await routerOver(
      { 'fal/live-portrait': fal, 'local/warp': local },
      { breaker: { failureThreshold: 2, cooldownMs: 10_000 }, retry: { maxAttempts: 1 } },
      { now: () => clock },
    )
    await router.animate(livePhoto)
    await router.animate(livePhoto)
    expect(events.some((event) => event.type === 'breaker-opened' && !event.permanent)).toBe(true)
    const skipped = await router.animate(livePhoto)
    expect(fal.calls).toHaveLength(2)
    expect(skipped.attempts[0]).toMatchObject({ target: 'fal/live-portrait', outcome: 'skipped' })
    expect(skipped.attempts[0]?.reason).toMatch(/circuit open/)
    clock += 10_001
    const probed = await router.animate(livePhoto)
    expect(probed.servedBy.target).toBe('fal/live-portrait')
    expect(fal.calls).toHaveLength(3)
  })

  it('opens for good on `retired`, and remembers it across restarts', async () => {
    const dir = await stateDir()
    const ailab = scripted('ailab/live-photo', [{ type: 'fail', error: { kind: 'retired', providerCode: 'ERROR_AI_NOT_EXISTS', accepted: false } }])
    const local = scripted('local/warp', [{ type: 'succeed' }])
    const first = await routerOver({ 'ailab/live-photo': ailab, 'local/warp': local }, { stateDir: dir })
    await first.router.animate(livePhoto)
    await first.router.animate(livePhoto)
    expect(ailab.calls).toHaveLength(1)
    expect(JSON.parse(await readFile(join(dir, 'retired.json'), 'utf8'))).toHaveProperty(['ailab/live-photo'])

    const ailabAgain = scripted('ailab/live-photo', [{ type: 'succeed' }])
    const second = await routerOver({ 'ailab/live-photo': ailabAgain, 'local/warp': local }, { stateDir: dir })
    const result = await second.router.animate(livePhoto)
    expect(ailabAgain.calls).toHaveLength(0)
    expect(result.servedBy.target).toBe('local/warp')
  })

  it('remembers a retirement per endpoint: retired at endpoint A, called again when its baseUrl points at endpoint B', async () => {
    const dir = await stateDir()
    const at = (baseUrl: string): Partial<RouterConfig> => ({ stateDir: dir, providers: { ailab: { adapter: 'ailab', baseUrl }, local: { adapter: 'local' } } })
    const local = scripted('local/warp', [{ type: 'succeed' }])
    const atA = scripted('ailab/live-photo', [{ type: 'fail', error: { kind: 'retired', providerCode: 'ERROR_AI_NOT_EXISTS', accepted: false } }])
    const first = await routerOver({ 'ailab/live-photo': atA, 'local/warp': local }, at('http://a.example'))
    await first.router.animate(livePhoto)
    expect(await first.router.retirements()).toMatchObject([{ target: 'ailab/live-photo', endpoint: 'http://a.example' }])

    const atB = scripted('ailab/live-photo', [{ type: 'succeed' }])
    const second = await routerOver({ 'ailab/live-photo': atB, 'local/warp': local }, at('http://b.example'))
    expect((await second.router.animate(livePhoto)).servedBy.target).toBe('ailab/live-photo')
    expect(atB.calls).toHaveLength(1)

    const againAtA = scripted('ailab/live-photo', [{ type: 'succeed' }])
    const third = await routerOver({ 'ailab/live-photo': againAtA, 'local/warp': local }, at('http://a.example'))
    expect((await third.router.animate(livePhoto)).servedBy.target).toBe('local/warp')
    expect(againAtA.calls).toHaveLength(0)
  })

  it('shows a remembered retirement and forgets it on request: the target is called again', async () => {
    const ailab = scripted('ailab/live-photo', [{ type: 'fail', error: { kind: 'retired', providerCode: 'ERROR_AI_NOT_EXISTS', accepted: false } }, { type: 'succeed' }])
    const local = scripted('local/warp', [{ type: 'succeed' }])
    const { router } = await routerOver({ 'ailab/live-photo': ailab, 'local/warp': local })
    await router.animate(livePhoto)
    expect(router.targets().find((target) => target.target === 'ailab/live-photo')?.breaker).toBe('retired')
    expect(await router.retirements()).toMatchObject([{ target: 'ailab/live-photo', endpoint: 'vendor' }])
    expect(await router.forgetRetirement('ailab/live-photo')).toBe(1)
    expect(await router.retirements()).toEqual([])
    expect((await router.animate(livePhoto)).servedBy.target).toBe('ailab/live-photo')
    expect(ailab.calls).toHaveLength(2)
  })
})

describe('strategies', () => {
  it('split: weights hold within 1% over 100 000 keys and each key always gets the same arm', async () => {
    const { router } = await splitRouter(70, 30)
    const config = router.config.config.routes.experiment!
    expect(config.strategy).toBe('split')
    const { stickyFraction, pickWeighted } = await import('./sticky-hash.js')
    const arms = [{ target: 'fal/live-portrait', weight: 70 }, { target: 'local/warp', weight: 30 }]
    let first = 0
    for (let index = 0; index < 100_000; index++) {
      if (pickWeighted(arms, stickyFraction(`user-${index}`, 'experiment')).target === 'fal/live-portrait') first++
    }
    expect(Math.abs(first / 100_000 - 0.7)).toBeLessThan(0.01)

    const arm = async (userId: string) => (await router.animate({ ...livePhoto, context: { userId } }, { route: 'experiment' })).arm
    const seen = new Map<string, string | undefined>()
    for (const userId of ['alice', 'bob', 'carol', 'dave', 'erin']) seen.set(userId, await arm(userId))
    expect(new Set(seen.values()).size).toBe(2) // both arms are in use
    for (const userId of seen.keys()) expect(await arm(userId)).toBe(seen.get(userId))
  })

  it('split: records the arm and falls back to the other arm when the chosen one fails', async () => {
    const fal = scripted('fal/live-portrait', [{ type: 'fail', error: { kind: 'auth', accepted: false } }])
    const local = scripted('local/warp', [{ type: 'succeed' }])
    const { router } = await splitRouter(100, 0, { 'fal/live-portrait': fal, 'local/warp': local }, 0)
    const result = await router.animate({ ...livePhoto, context: { userId: 'u1' } }, { route: 'experiment' })
    expect(result.arm).toBe('fal/live-portrait')
    expect(result.servedBy.target).toBe('local/warp')
  })

  it('compare: runs every target and reports each result and error', async () => {
    const fal = scripted('fal/live-portrait', [{ type: 'succeed', cost: { usd: 0.05, basis: 'charged' } }])
    const mh = scripted('magichour/image-to-video', [{ type: 'fail', error: { kind: 'insufficient_credits', accepted: false } }])
    const local = scripted('local/warp', [{ type: 'succeed' }])
    const { router } = await routerOver({ 'fal/live-portrait': fal, 'magichour/image-to-video': mh, 'local/warp': local })
    const entries = await router.compare(livePhoto)
    expect(entries.map((entry) => [entry.target, entry.ok, entry.error?.kind])).toEqual([
      ['fal/live-portrait', true, undefined],
      ['magichour/image-to-video', false, 'insufficient_credits'],
      ['local/warp', true, undefined],
    ])
    expect(entries[0]?.result?.cost).toEqual({ usd: 0.05, basis: 'charged' })
  })

  it('shadow: serves from the primary and reports the shadow run', async () => {
    const fal = scripted('fal/live-portrait', [{ type: 'succeed', delayMs: 5 }])
    const local = scripted('local/warp', [{ type: 'succeed' }])
    const events: RouterEvent[] = []
    const router = await createRouter(
      { providers: { fal: { adapter: 'fal' }, local: { adapter: 'local' } }, routes: { default: { strategy: 'shadow', targets: ['local/warp'], shadow: ['fal/live-portrait'] } }, stateDir: await stateDir() },
      { animators: { 'fal/live-portrait': fal, 'local/warp': local }, onEvent: (event) => events.push(event) },
    )
    const result = await router.animate(livePhoto)
    expect(result.servedBy.target).toBe('local/warp')
    await router.settle()
    expect(fal.calls).toHaveLength(1)
    expect(events.find((event) => event.type === 'shadow-result')).toMatchObject({ target: 'fal/live-portrait', ok: true })
  })
})

describe('async jobs, cancellation and the journal', () => {
  it('journals the handle before polling and removes it when the job completes', async () => {
    const dir = await stateDir()
    const { FileJobJournal } = await import('./state/file-job-journal.js')
    const { replayLog } = await import('./state/journal-directory.js')
    const seen: JournalEntry[][] = []
    const fal = scripted('fal/live-portrait', [{ type: 'job', polls: ['queued', 'running'] }])
    const { router } = await routerOver({ 'fal/live-portrait': fal }, { stateDir: dir })
    await router.animate(livePhoto, {
      onProgress: (event) => {
        // What another process would find after a crash at this point (read at once, synchronously).
        if (event.phase !== 'queued') return
        const logs = readdirSync(join(dir, 'journal')).filter((name) => name.endsWith('.journal.log'))
        seen.push(logs.flatMap((name) => [...replayLog(readFileSync(join(dir, 'journal', name), 'utf8')).open.values()]))
      },
    })
    expect(seen.length).toBeGreaterThan(0)
    expect(seen[0]).toEqual([expect.objectContaining({ target: 'fal/live-portrait', handle: expect.objectContaining({ provider: 'fal' }) })])
    await waitUntil(async () => (await new FileJobJournal(join(dir, 'journal')).list()).length === 0, { what: 'the journal entry to be removed' })
  })

  it('resume() finishes a journaled job without submitting it again', async () => {
    const dir = await stateDir()
    const fal = scripted('fal/live-portrait', [{ type: 'job', polls: ['running', 'running'] }], { capabilities: { offline: false, jobs: true } })
    const handle = await fal.start!(livePhoto)
    const { FileJobJournal } = await import('./state/file-job-journal.js')
    await new FileJobJournal(join(dir, 'journal')).record({ version: 1, id: 'crashed-1', route: 'default', target: 'fal/live-portrait', handle, startedAt: new Date().toISOString() })
    const { router } = await routerOver({ 'fal/live-portrait': fal }, { stateDir: dir }, { resumePollIntervalMs: 1 })
    const outcomes = await router.resume()
    expect(outcomes).toHaveLength(1)
    expect(outcomes[0]?.result?.servedBy.target).toBe('fal/live-portrait')
    expect(fal.submissions).toBe(1)
    expect(await new FileJobJournal(join(dir, 'journal')).list()).toEqual([])
  })

  it('an abort stops a running job, cancels it remotely and fails with cancelled', async () => {
    const fal = scripted('fal/live-portrait', [{ type: 'job', polls: Array(10_000).fill('running') }], { pollIntervalMs: 5 })
    const local = scripted('local/warp', [{ type: 'succeed' }])
    const { router } = await routerOver({ 'fal/live-portrait': fal, 'local/warp': local })
    const controller = new AbortController()
    const pending = router.animate(livePhoto, { signal: controller.signal })
    await waitUntil(() => fal.calls.some((call) => call.method === 'status'), { what: 'the first status poll' })
    controller.abort()
    const error = await expectAnimatorError(pending)
    expect(error.kind).toBe('cancelled')
    expect(fal.cancelled).toHaveLength(1)
    expect(local.calls).toHaveLength(0)
    const polls = fal.calls.length
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(fal.calls.length).toBe(polls)
  })

  it('stops waiting for a target that ignores the abort, after a grace period', async () => {
    const stuck = scripted('fal/live-portrait', [{ type: 'succeed' }])
    let called = false
    const deaf: PortraitAnimator = {
      ...stuck,
      animate: () => {
        called = true
        return new Promise(() => undefined)
      },
    }
    const router = await createRouter(
      { providers: { fal: { adapter: 'fal' } }, routes: { default: { strategy: 'fallback', targets: ['fal/live-portrait'] } }, stateDir: await stateDir() },
      { animators: { 'fal/live-portrait': deaf }, abortGraceMs: 10 },
    )
    const controller = new AbortController()
    const pending = router.animate(livePhoto, { signal: controller.signal })
    await waitUntil(() => called, { what: 'the call to the target' })
    controller.abort()
    const error = await expectAnimatorError(pending)
    expect(error.kind).toBe('cancelled')
    expect(error.attempts?.[0]).toMatchObject({ target: 'fal/live-portrait', outcome: 'failed', accepted: 'unknown' })
  })

  it('a request deadline fails with timeout', async () => {
    const fal = scripted('fal/live-portrait', [{ type: 'hang' }])
    const { router } = await routerOver({ 'fal/live-portrait': fal })
    expect((await expectAnimatorError(router.animate(livePhoto, { timeoutMs: 20 }))).kind).toBe('timeout')
  })
})

describe('limits and events', () => {
  it('keeps at most `concurrency` calls in flight per target', async () => {
    let inFlight = 0
    let peak = 0
    const base = scripted('fal/live-portrait', [{ type: 'succeed' }])
    const counting: PortraitAnimator = {
      ...base,
      animate: async (request, options) => {
        peak = Math.max(peak, ++inFlight)
        await new Promise((resolve) => setTimeout(resolve, 5))
        inFlight--
        return base.animate(request, options)
      },
    }
    const router = await createRouter(
      { providers: { fal: { adapter: 'fal' } }, routes: { default: { strategy: 'fallback', targets: ['fal/live-portrait'] } }, targets: { 'fal/live-portrait': { limits: { concurrency: 2 } } }, stateDir: await stateDir() },
      { animators: { 'fal/live-portrait': counting } },
    )
    await Promise.all(Array.from({ length: 8 }, () => router.animate(livePhoto)))
    expect(peak).toBe(2)
  })

  it('never puts a key into an event, an attempt or an error', async () => {
    const key = 'sk_live_router_secret_123456'
    const fal = scripted('fal/live-portrait', [{ type: 'fail', error: { kind: 'auth', message: `key ${key} rejected`, accepted: false } }])
    const events: RouterEvent[] = []
    const router = await createRouter(
      { providers: { fal: { adapter: 'fal', apiKey: 'env:TEST_FAL_KEY' } }, routes: { default: { strategy: 'fallback', targets: ['fal/live-portrait'] } }, stateDir: await stateDir() },
      { animators: { 'fal/live-portrait': fal }, env: { TEST_FAL_KEY: key }, onEvent: (event) => events.push(event), factories: { fal: () => ({ name: 'fal', models: ['live-portrait'], animator: () => fal }) } },
    )
    const error = await expectAnimatorError(router.animate(livePhoto))
    const surfaces = [JSON.stringify(events), JSON.stringify(error.toJSON()), error.message, JSON.stringify(error.attempts)]
    for (const surface of surfaces) expect(surface).not.toContain(key)
  })
})

async function splitRouter(weightA: number, weightB: number, animators?: Record<string, ScriptedAnimator>, maxAttempts = 3) {
  const router = await createRouter(
    {
      providers: { fal: { adapter: 'fal' }, local: { adapter: 'local' } },
      routes: {
        default: { strategy: 'fallback', targets: ['local/warp'] },
        experiment: { strategy: 'split', stickyBy: 'userId', targets: [{ target: 'fal/live-portrait', weight: weightA }, { target: 'local/warp', weight: weightB }] },
      },
      retry: { maxAttempts: Math.max(1, maxAttempts) },
      stateDir: await stateDir(),
    },
    { animators: animators ?? { 'fal/live-portrait': scripted('fal/live-portrait', [{ type: 'succeed' }]), 'local/warp': scripted('local/warp', [{ type: 'succeed' }]) } },
  )
  return { router }
}
