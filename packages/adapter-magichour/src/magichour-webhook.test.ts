import { createHmac } from 'node:crypto'
import { PortraitAnimatorError } from '@portrait-animator/core'
import { signMagicHourWebhook } from '@portrait-animator/emulator'
import { describe, expect, it } from 'vitest'
import { verifyMagicHourWebhook } from './magichour-webhook.js'

const SECRET = 'whsec_test_3b9f1c7a2e'
const NOW = Date.parse('2026-11-21T10:00:00Z')
const TIMESTAMP = String(NOW / 1000)
const BODY = JSON.stringify({ type: 'video.completed', payload: { id: 'cm0hook', status: 'complete', credits_charged: 144, downloads: [] } })
const SIGNATURE = createHmac('sha256', SECRET).update(`${TIMESTAMP}.${BODY}`).digest('hex')
const options = { secret: SECRET, now: () => NOW }

function rejection(run: () => unknown): PortraitAnimatorError {
  try {
    run()
  } catch (error) {
    expect(PortraitAnimatorError.isInstance(error)).toBe(true)
    const typed = error as PortraitAnimatorError
    expect(typed.message).not.toContain(SECRET)
    return typed
  }
  throw new Error('expected a rejection')
}

describe('verifyMagicHourWebhook', () => {
  it('accepts a correctly signed delivery and returns the event', () => {
    const event = verifyMagicHourWebhook({ 'magic-hour-event-signature': SIGNATURE, 'magic-hour-event-timestamp': TIMESTAMP }, BODY, options)
    expect(event).toEqual({ type: 'video.completed', payload: { id: 'cm0hook', status: 'complete', credits_charged: 144, downloads: [] } })
  })

  it('agrees with an independent signer (the emulator) and reads headers in any case, from Headers or records', () => {
    const signature = signMagicHourWebhook(SECRET, TIMESTAMP, BODY)
    const headers = new Headers({ 'Magic-Hour-Event-Signature': signature, 'MAGIC-HOUR-EVENT-TIMESTAMP': TIMESTAMP })
    expect(verifyMagicHourWebhook(headers, new TextEncoder().encode(BODY), options).payload.id).toBe('cm0hook')
    const record = { 'Magic-Hour-Event-Signature': [signature.toUpperCase()], 'Magic-Hour-Event-Timestamp': TIMESTAMP }
    expect(verifyMagicHourWebhook(record, BODY, options).type).toBe('video.completed')
  })

  it('rejects a body changed after signing', () => {
    const tampered = BODY.replace('"complete"', '"error"')
    const error = rejection(() => verifyMagicHourWebhook({ 'magic-hour-event-signature': SIGNATURE, 'magic-hour-event-timestamp': TIMESTAMP }, tampered, options))
    expect(error).toMatchObject({ kind: 'auth', rule: 'webhook-signature', provider: 'magichour' })
  })

  it('rejects a signature made with another secret, or malformed', () => {
    const other = createHmac('sha256', 'whsec_other_secret').update(`${TIMESTAMP}.${BODY}`).digest('hex')
    for (const signature of [other, 'not-hex', SIGNATURE.slice(0, 32), '']) {
      const error = rejection(() => verifyMagicHourWebhook({ 'magic-hour-event-signature': signature, 'magic-hour-event-timestamp': TIMESTAMP }, BODY, options))
      expect(error.kind).toBe('auth')
    }
  })

  it('rejects a timestamp outside the tolerance (replays), with the tolerance configurable', () => {
    const old = String(NOW / 1000 - 301)
    const signed = createHmac('sha256', SECRET).update(`${old}.${BODY}`).digest('hex')
    const headers = { 'magic-hour-event-signature': signed, 'magic-hour-event-timestamp': old }
    expect(rejection(() => verifyMagicHourWebhook(headers, BODY, options))).toMatchObject({ kind: 'auth', rule: 'webhook-timestamp' })
    expect(verifyMagicHourWebhook(headers, BODY, { ...options, toleranceSeconds: 600 }).payload.id).toBe('cm0hook')
    const future = String(NOW / 1000 + 400)
    const signedFuture = createHmac('sha256', SECRET).update(`${future}.${BODY}`).digest('hex')
    expect(rejection(() => verifyMagicHourWebhook({ 'magic-hour-event-signature': signedFuture, 'magic-hour-event-timestamp': future }, BODY, options)).rule).toBe(
      'webhook-timestamp',
    )
  })

  it('rejects missing headers', () => {
    expect(rejection(() => verifyMagicHourWebhook({ 'magic-hour-event-timestamp': TIMESTAMP }, BODY, options)).message).toContain('magic-hour-event-signature')
    expect(rejection(() => verifyMagicHourWebhook(new Headers({ 'magic-hour-event-signature': SIGNATURE }), BODY, options)).message).toContain(
      'magic-hour-event-timestamp',
    )
  })

  it('needs a secret, and reports a signed body that is not an event as a provider error', () => {
    expect(rejection(() => verifyMagicHourWebhook({}, BODY, { secret: '' })).kind).toBe('invalid_config')
    const notEvent = '{"hello":"world"}'
    const signature = createHmac('sha256', SECRET).update(`${TIMESTAMP}.${notEvent}`).digest('hex')
    const error = rejection(() => verifyMagicHourWebhook({ 'magic-hour-event-signature': signature, 'magic-hour-event-timestamp': TIMESTAMP }, notEvent, options))
    expect(error.kind).toBe('provider_error')
  })
})
