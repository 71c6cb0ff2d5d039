import { describe, expect, it } from 'vitest'
import type { AnimationRequest, ProgressEvent } from '../spec/index.js'
import { createScriptedAnimator } from './scripted-animator.js'
import { expectAnimatorError } from './expect-animator-error.js'

const request: AnimationRequest = { image: new Uint8Array([1]), motion: { type: 'preset', preset: 'live-photo' } }

describe('createScriptedAnimator', () => {
  it('plays its script in order and repeats the last step', async () => {
    const animator = createScriptedAnimator({
      provider: 'fal',
      script: [{ type: 'fail', error: { kind: 'unavailable', statusCode: 503 } }, { type: 'succeed' }],
    })
    const error = await expectAnimatorError(animator.animate(request))
    expect(error).toMatchObject({ kind: 'unavailable', provider: 'fal', retryable: true, statusCode: 503 })
    const result = await animator.animate(request)
    expect(result.servedBy.target).toBe('fal/scripted')
    expect(new TextDecoder().decode(await result.output.bytes())).toBe('FAKE-MP4')
    await animator.animate(request)
    expect(animator.calls.map((call) => call.method)).toEqual(['animate', 'animate', 'animate'])
    expect(animator.submissions).toBe(2)
  })

  it('hangs until aborted', async () => {
    const animator = createScriptedAnimator({ script: [{ type: 'hang' }] })
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 10)
    expect((await expectAnimatorError(animator.animate(request, { signal: controller.signal }))).kind).toBe('cancelled')
  })

  it('runs jobs through queued and running states with progress, and exposes start/status/cancel', async () => {
    const animator = createScriptedAnimator({ script: [{ type: 'job', polls: [{ queuePosition: 2 }, 'running'] }] })
    const events: ProgressEvent[] = []
    const result = await animator.animate(request, { onProgress: (event) => events.push(event) })
    expect(result.output.kind).toBe('video')
    expect(events.map((event) => [event.phase, event.queuePosition])).toEqual([['queued', 2], ['running', undefined]])

    const handle = await animator.start!(request)
    expect(JSON.parse(JSON.stringify(handle))).toEqual(handle)
    expect((await animator.status!(handle)).state).toBe('pending')
    await animator.cancel!(handle)
    expect(await animator.status!(handle)).toMatchObject({ state: 'failed', errorKind: 'cancelled' })
    expect(animator.cancelled).toEqual([handle])
  })

  it('reports a failed job with its kind and a refused submission as not accepted', async () => {
    const animator = createScriptedAnimator({
      script: [
        { type: 'job', outcome: { type: 'fail', error: { kind: 'no_face', providerCode: 'no_source_face' } } },
        { type: 'job', submitError: { kind: 'rate_limited', accepted: false, retryAfterMs: 50 } },
      ],
    })
    expect((await expectAnimatorError(animator.animate(request))).kind).toBe('no_face')
    expect(await expectAnimatorError(animator.animate(request))).toMatchObject({ kind: 'rate_limited', accepted: false, retryAfterMs: 50 })
    expect(animator.submissions).toBe(1)
  })
})
