import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PortraitAnimatorError, type AnimationRequest, type CallOptions, type PortraitAnimator } from '@portrait-animator/core'
import { createScriptedAnimator, expectAnimatorError, waitUntil, type ScriptStep } from '@portrait-animator/core/testing'
import { createRouter } from './create-router.js'
import type { RouterEvent } from './router-events.js'
import { FileJobJournal } from './state/file-job-journal.js'
import type { SubmitIntent } from './state/submit-intent.js'

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')
const livePhoto: AnimationRequest = { image: PNG, motion: { type: 'preset', preset: 'live-photo' }, context: { order: 'o-17' } }

/**
 * A paid async target that, like every paid adapter, calls `onSubmitting` right before its paid
 * request (here: the scripted step), recording what a second process would find in the journal then.
 */
function paidTarget(script: ScriptStep[], journalDirectory: string, refuseBeforeSubmitting = false) {
  const inner = createScriptedAnimator({ provider: 'fal', modelId: 'live-portrait', script, capabilities: { offline: false, jobs: true }, pollIntervalMs: 1 })
  const marksAtSubmit: SubmitIntent[][] = []
  const animator: PortraitAnimator = {
    specificationVersion: 'v1',
    provider: inner.provider,
    modelId: inner.modelId,
    capabilities: inner.capabilities,
    status: (handle, options) => inner.status!(handle, options),
    animate: async (request, options: CallOptions = {}) => {
      // An input the adapter refuses itself: it fails before its paid request, its mark still on the way.
      if (refuseBeforeSubmitting) throw new PortraitAnimatorError({ kind: 'invalid_input', message: 'the adapter refused the input', accepted: false })
      await options.onSubmitting?.()
      // What another process would read if this one died now, with the paid request on the wire.
      marksAtSubmit.push(await new FileJobJournal(journalDirectory).intents())
      return inner.animate(request, options)
    },
  }
  return { animator, inner, marksAtSubmit }
}

async function setup(script: ScriptStep[], refuseBeforeSubmitting = false) {
  const stateDir = await mkdtemp(join(tmpdir(), 'pa-submit-intent-'))
  const journalDirectory = join(stateDir, 'journal')
  const target = paidTarget(script, journalDirectory, refuseBeforeSubmitting)
  const events: RouterEvent[] = []
  const open = () =>
    createRouter(
      { providers: { fal: { adapter: 'fal' } }, routes: { default: { strategy: 'fallback', targets: ['fal/live-portrait'] } }, stateDir, retry: { maxAttempts: 1 } },
      { animators: { 'fal/live-portrait': target.animator }, onEvent: (event) => events.push(event), resumePollIntervalMs: 1 },
    )
  return { ...target, open, events, journal: () => new FileJobJournal(journalDirectory) }
}

describe("the router journal's submit-in-flight mark", () => {
  it('is on disk before the paid request; a lost answer leaves it, and resume reports it once (acceptance unknown) without submitting again', async () => {
    const run = await setup([{ type: 'fail', error: { kind: 'unavailable', accepted: 'unknown', message: 'the connection closed before the answer' } }])
    const router = await run.open()
    const error = await expectAnimatorError(router.animate(livePhoto))
    expect(error).toMatchObject({ kind: 'unavailable', accepted: 'unknown' })
    expect(run.marksAtSubmit).toEqual([[expect.objectContaining({ target: 'fal/live-portrait', route: 'default', context: { order: 'o-17' } })]])

    // The next process: resume reports the mark, with what asked for it, and submits nothing.
    const next = await run.open()
    const outcomes = await next.resume()
    expect(outcomes).toEqual([{ intent: expect.objectContaining({ target: 'fal/live-portrait', context: { order: 'o-17' } }), error: expect.objectContaining({ kind: 'unavailable', accepted: 'unknown' }) }])
    expect(outcomes[0]!.error!.message).toMatch(/may have accepted and charged it.*not submitted again.*send the same request again.*may be paid twice/s)
    expect(run.events.filter((event) => event.type === 'submit-unknown')).toEqual([expect.objectContaining({ type: 'submit-unknown', target: 'fal/live-portrait', id: outcomes[0]!.intent!.id })])
    expect(run.inner.calls.filter((call) => call.method === 'animate')).toHaveLength(1)
    expect(await next.resume()).toEqual([])
  })

  it('is superseded by the handle once the provider accepted the job, and leaves nothing when the job ends', async () => {
    const run = await setup([{ type: 'job', polls: ['running'] }])
    const router = await run.open()
    let atJobStarted: { intents: SubmitIntent[]; entries: number } | undefined
    await router.animate(livePhoto, { onJobStarted: async () => void (atJobStarted = { intents: await run.journal().intents(), entries: (await run.journal().list()).length }) })
    expect(run.marksAtSubmit[0]).toHaveLength(1)
    expect(atJobStarted).toEqual({ intents: [], entries: 1 })
    // The completion is written behind the result.
    await waitUntil(async () => (await run.journal().list()).length === 0, { what: 'the entry to be closed' })
    expect(await run.journal().intents()).toEqual([])
    expect(await (await run.open()).resume()).toEqual([])
  })

  it('is cleared when the failure proves nothing was accepted, and when a request is answered at once', async () => {
    const refused = await setup([{ type: 'fail', error: { kind: 'invalid_input', accepted: false } }])
    await expectAnimatorError((await refused.open()).animate(livePhoto))
    expect(await refused.journal().intents()).toEqual([])
    const early = await setup([{ type: 'succeed' }], true)
    await expectAnimatorError((await early.open()).animate(livePhoto))
    expect(await early.journal().intents()).toEqual([])
    const answered = await setup([{ type: 'succeed' }])
    await (await answered.open()).animate(livePhoto)
    expect(answered.marksAtSubmit[0]).toHaveLength(1)
    await waitUntil(async () => (await answered.journal().intents()).length === 0, { what: 'the mark to be cleared' })
    expect(await (await answered.open()).resume()).toEqual([])
  })
})
