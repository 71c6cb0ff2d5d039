import { describe, expect, it } from 'vitest'
import { PortraitAnimatorError } from '@portrait-animator/core'
import { waitUntil } from '@portrait-animator/core/testing'
import { RequestContext } from '../request-context.js'
import { abortedAttemptError, attemptDeadline, requestEndedError } from './deadline.js'

const target = { id: 'fal/live-portrait', providerName: 'fal', modelId: 'live-portrait' }
const cancelled = new PortraitAnimatorError({ kind: 'cancelled', message: 'aborted', accepted: true })

describe('deadline policy', () => {
  it('without an attempt deadline, uses the request signal as it is', () => {
    const controller = new AbortController()
    expect(attemptDeadline(controller.signal, undefined).signal).toBe(controller.signal)
  })

  it('turns an attempt that passed its own deadline into a timeout naming the target', async () => {
    const context = new RequestContext('default', 'r1', {}, undefined, [], Date.now)
    const deadline = attemptDeadline(context.signal, 1)
    await waitUntil(() => deadline.signal.aborted, { what: 'the attempt deadline' })
    const error = abortedAttemptError(cancelled, context, deadline, target)
    expect(error).toMatchObject({ kind: 'timeout', accepted: true })
    expect(error.message).toBe('fal/live-portrait passed its 1 ms deadline.')
    deadline.clear()
  })

  it('says cancelled when the caller aborted, and leaves other errors alone', () => {
    const controller = new AbortController()
    const context = new RequestContext('default', 'r1', { signal: controller.signal }, undefined, [], Date.now)
    const deadline = attemptDeadline(context.signal, 60_000)
    const other = new PortraitAnimatorError({ kind: 'unavailable', message: 'down' })
    expect(abortedAttemptError(other, context, deadline, target)).toBe(other)
    controller.abort()
    expect(abortedAttemptError(other, context, deadline, target)).toMatchObject({ kind: 'cancelled', message: 'The request was cancelled.' })
    expect(requestEndedError(context, target)).toMatchObject({ kind: 'cancelled' })
    deadline.clear()
    context.end()
  })
})
