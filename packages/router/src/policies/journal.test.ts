import { describe, expect, it } from 'vitest'
import { PortraitAnimatorError, type JobHandle } from '@portrait-animator/core'
import { RequestContext } from '../request-context.js'
import { MemoryJobJournal } from '../state/memory-job-journal.js'
import { AttemptJournal } from './journal.js'

const handle: JobHandle = { specificationVersion: 'v1', provider: 'fal', modelId: 'live-portrait', jobId: 'req-1', submittedAt: '2026-01-01T00:00:00.000Z' }

async function started() {
  const journal = new MemoryJobJournal()
  let counter = 0
  const context = new RequestContext('default', 'abc', {}, undefined, [], () => 0)
  const attempt = new AttemptJournal({ journal, target: 'fal/live-portrait', now: () => 0, nextJobNumber: () => ++counter }, context, { image: 'x.png', motion: { type: 'preset', preset: 'live-photo' }, context: { user: 'u-1' } })
  await attempt.started(handle)
  return { journal, attempt }
}

describe('journal policy', () => {
  it('journals a submitted job before it is followed, and closes it when it is served', async () => {
    const { journal, attempt } = await started()
    expect(await journal.list()).toEqual([expect.objectContaining({ id: 'abc-1', route: 'default', target: 'fal/live-portrait', handle, context: { user: 'u-1' } })])
    expect(await attempt.ended()).toBe('abc-1')
    expect(await journal.list()).toEqual([])
  })

  it('closes the entry of a job cancelled or timed out (the adapter cancelled it), so resume never trips on it', async () => {
    for (const kind of ['cancelled', 'timeout'] as const) {
      const { journal, attempt } = await started()
      await attempt.ended(new PortraitAnimatorError({ kind, message: kind, accepted: true }))
      expect(await journal.list()).toEqual([])
    }
  })

  it('keeps the entry of a job whose adapter did not stop: it may still finish, and resume collects it', async () => {
    const { journal, attempt } = await started()
    await attempt.ended(new PortraitAnimatorError({ kind: 'timeout', message: 'did not stop', accepted: 'unknown' }))
    expect(await journal.list()).toHaveLength(1)
  })
})
