import { expectAnimatorError, startWebhookReceiver, waitUntil, type WebhookReceiver } from '@portrait-animator/core/testing'
import { startEmulator, type Emulator } from '@portrait-animator/emulator'
import Replicate from 'replicate'
import { afterEach, describe, expect, it, onTestFinished } from 'vitest'
import { createReplicate } from './replicate-provider.js'
import type { ReplicateSettings } from './replicate-settings.js'
import { verifyReplicateWebhook } from './replicate-webhook.js'

/*
 * Webhooks end to end: the adapter creates predictions with `webhook` and `webhook_events_filter`
 * through the real client, the emulator calls a loopback receiver with signed predictions, and
 * `verifyReplicateWebhook` (the client's validateWebhook) accepts them or rejects a tampered one.
 */

const PORTRAIT = new URL('../../../examples/assets/astronaut.png', import.meta.url).pathname
const TOKEN = 'r8_webhook_suite_7a1d'
const SECRET = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD'
const livePhoto = { image: PORTRAIT, motion: { type: 'preset', preset: 'live-photo' } } as const

let emulator: Emulator | undefined
afterEach(async () => {
  await emulator?.stop()
  emulator = undefined
})

async function receiver(): Promise<WebhookReceiver> {
  const hook = await startWebhookReceiver('/replicate')
  onTestFinished(() => hook.close())
  return hook
}

async function start(settings: ReplicateSettings) {
  emulator = await startEmulator({ seed: 4, jobDurationMs: 150, keys: { replicate: [TOKEN] }, replicate: { webhookSecret: SECRET } })
  return createReplicate({ apiKey: TOKEN, baseUrl: `${emulator.baseUrl}/v1`, pollIntervalMs: 20, allowPrivateNetwork: true, ...settings })
}

describe('replicate/live-portrait webhooks', () => {
  it('sends only the filtered events, and a verified completed call carries the result: an MP4 charged once', async () => {
    const hook = await receiver()
    const replicate = await start({ webhookUrl: hook.url, webhookEventsFilter: ['start', 'completed'] })
    const handle = await replicate.livePortrait().start!(livePhoto)
    await waitUntil(() => hook.calls.length === 2, { what: 'the start and completed calls' })
    const verified = await Promise.all(hook.calls.map((call) => replicate.verifyWebhook(call, { secret: SECRET })))
    expect(verified.map((call) => [call.prediction.id, call.prediction.status, call.status.state])).toEqual([
      [handle.jobId, 'processing', 'pending'],
      [handle.jobId, 'succeeded', 'completed'],
    ])
    expect(verified.map((call) => call.webhookId)).toEqual([`msg_${handle.jobId}_start`, `msg_${handle.jobId}_completed`])
    const done = verified[1]!.status
    if (done.state !== 'completed') throw new Error('expected a completed status')
    const video = await done.result.output.bytes()
    expect(Buffer.from(video.subarray(4, 8)).toString('latin1')).toBe('ftyp')
    expect(done.result.cost).toMatchObject({ basis: 'estimated', usd: expect.any(Number) })
    await waitUntil(() => emulator!.ledger.job(handle.jobId)?.webhookDeliveries.length === 2, { what: 'the deliveries in the ledger' })
    expect(emulator!.ledger.charges({ requestId: handle.jobId })).toHaveLength(1)
  })

  it('rejects a tampered body, another secret, a replayed old call and missing headers as auth errors', async () => {
    const hook = await receiver()
    const replicate = await start({ webhookUrl: hook.url, webhookEventsFilter: ['completed'] })
    await replicate.livePortrait().animate(livePhoto)
    await waitUntil(() => hook.calls.length === 1, { what: 'the completed call' })
    const call = hook.calls[0]!
    const secret = (await new Replicate({ auth: TOKEN, baseUrl: `${emulator!.baseUrl}/v1` }).webhooks.default.secret.get()).key
    expect(secret).toBe(SECRET)
    const options = { secret, baseUrl: `${emulator!.baseUrl}/v1` }
    expect((await verifyReplicateWebhook(call, options)).status.state).toBe('completed')
    const request = new Request(hook.url, { method: 'POST', headers: call.headers as Record<string, string>, body: call.body })
    expect((await verifyReplicateWebhook(request, options)).prediction.status).toBe('succeeded')
    const tampered = call.body.replace('"succeeded"', '"failed"')
    expect(await expectAnimatorError(verifyReplicateWebhook({ ...call, body: tampered }, options))).toMatchObject({ kind: 'auth', rule: 'webhook-signature', provider: 'replicate' })
    expect(await expectAnimatorError(verifyReplicateWebhook(call, { ...options, secret: 'whsec_dGhlIG90aGVyIHNlY3JldCBvZiBhbm90aGVyIGFjY291bnQ=' }))).toMatchObject({ rule: 'webhook-signature' })
    expect(await expectAnimatorError(verifyReplicateWebhook(call, { ...options, now: Date.now() + 10 * 60_000 }))).toMatchObject({ kind: 'auth', rule: 'webhook-timestamp' })
    const { ['webhook-signature']: _dropped, ...unsigned } = call.headers
    const missing = await expectAnimatorError(verifyReplicateWebhook({ headers: unsigned, body: call.body }, options))
    expect(missing).toMatchObject({ kind: 'auth', rule: 'webhook-headers' })
    expect(missing.message).toContain('webhook-signature')
    expect(missing.message).not.toContain(SECRET)
  })

  it('reports a failed prediction from its webhook as the error kind the app would get from animate', async () => {
    const hook = await receiver()
    const replicate = await start({ webhookUrl: hook.url, webhookEventsFilter: ['completed'] })
    emulator!.setFaults([{ route: 'replicate.create', noFace: true }])
    const error = await expectAnimatorError(replicate.livePortrait().animate(livePhoto))
    expect(error.kind).toBe('no_face')
    await waitUntil(() => hook.calls.length === 1, { what: 'the completed call' })
    expect((await replicate.verifyWebhook(hook.calls[0]!, { secret: SECRET })).status).toMatchObject({ state: 'failed', errorKind: 'no_face' })
  })

  it('refuses a filter without a webhook URL, or an unknown event, as invalid_config', () => {
    expect(() => createReplicate({ apiKey: TOKEN, webhookEventsFilter: ['completed'] })).toThrow(expect.objectContaining({ kind: 'invalid_config', field: 'webhookEventsFilter' }))
    expect(() => createReplicate({ apiKey: TOKEN, webhookUrl: 'https://example.com/hook', webhookEventsFilter: ['finished' as 'completed'] })).toThrow(expect.objectContaining({ kind: 'invalid_config' }))
  })
})
