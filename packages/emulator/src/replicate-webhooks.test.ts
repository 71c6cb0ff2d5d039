import Replicate, { validateWebhook, type Prediction } from 'replicate'
import { startWebhookReceiver, waitUntil, type ReceivedWebhook, type WebhookReceiver } from '@portrait-animator/core/testing'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { VideoRenderer, videoSpecFor } from './mp4-output.js'
import { createReplicateWebhookSecret, verifyReplicateWebhookSignature } from './replicate-webhook-signing.js'
import { startEmulator, type Emulator } from './start-emulator.js'
import { createTestPortrait } from './test-images.js'

/* Replicate prediction webhooks from the emulator, checked with the official client's validateWebhook. */

const TOKEN = 'r8_webhook_token'
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'

/** A loopback receiver that records every call and answers 200, closed when the test ends. */
async function receiver(): Promise<WebhookReceiver> {
  const hook = await startWebhookReceiver('/hooks/replicate')
  onTestFinished(() => hook.close())
  return hook
}

const statusOf = (call: ReceivedWebhook): string => (JSON.parse(call.body) as Prediction).status

describe('Replicate webhooks from the emulator', () => {
  let emulator: Emulator
  let replicate: Replicate
  let input: { face_image: string; driving_video: string }

  beforeAll(async () => {
    emulator = await startEmulator({ seed: 7, jobDurationMs: 150, keys: { replicate: [TOKEN] }, replicate: { webhookSecret: SECRET } })
    replicate = new Replicate({ auth: TOKEN, baseUrl: `${emulator.baseUrl}/v1` })
    const portrait = await createTestPortrait({ width: 200, height: 260, format: 'png' })
    const driver = await new VideoRenderer().render(videoSpecFor(1, 64, 64))
    input = { face_image: `data:image/png;base64,${portrait.toString('base64')}`, driving_video: `data:video/mp4;base64,${driver.toString('base64')}` }
  })
  afterAll(() => emulator.stop())

  it('sends start, logs, output and completed without a filter, each signed so validateWebhook accepts it', async () => {
    const hook = await receiver()
    const created = await replicate.predictions.create({ model: 'fofr/live-portrait', input, webhook: hook.url })
    await waitUntil(() => hook.calls.length === 4, { what: 'four webhook calls' })
    expect(hook.calls.map((call) => call.headers['webhook-id'])).toEqual(['start', 'logs', 'output', 'completed'].map((event) => `msg_${created.id}_${event}`))
    expect(hook.calls.map(statusOf)).toEqual(['processing', 'processing', 'succeeded', 'succeeded'])
    for (const call of hook.calls) {
      const headers = new Headers(call.headers as Record<string, string>)
      expect(await validateWebhook({ headers, body: call.body } as unknown as Request, SECRET)).toBe(true)
    }
    const last = JSON.parse(hook.calls[3]!.body) as Prediction
    expect(last).toMatchObject({ id: created.id, status: 'succeeded', output: [expect.stringMatching(/output\.mp4$/)] })
    await waitUntil(() => emulator.ledger.job(created.id)?.webhookDeliveries.length === 4, { what: 'the ledger to hold the four deliveries' })
    expect(emulator.ledger.job(created.id)?.webhookDeliveries.map((delivery) => delivery.status)).toEqual([200, 200, 200, 200])
    expect(emulator.ledger.charges({ requestId: created.id })).toHaveLength(1)
  })

  it('respects webhook_events_filter: ["completed"] gets one call, also for a canceled prediction', async () => {
    const hook = await receiver()
    const done = await replicate.predictions.create({ model: 'fofr/live-portrait', input, webhook: hook.url, webhook_events_filter: ['completed'] })
    await waitUntil(() => hook.calls.length === 1, { what: 'the completed call' })
    const slow = await startEmulator({ seed: 7, jobDurationMs: 5_000, replicate: { webhookSecret: SECRET } })
    onTestFinished(() => slow.stop())
    const client = new Replicate({ auth: TOKEN, baseUrl: `${slow.baseUrl}/v1` })
    const running = await client.predictions.create({ model: 'fofr/live-portrait', input, webhook: hook.url, webhook_events_filter: ['completed'] })
    await client.predictions.cancel(running.id)
    await waitUntil(() => hook.calls.length === 2, { what: 'the canceled prediction’s completed call' })
    expect(hook.calls.map((call) => [JSON.parse(call.body).id, statusOf(call)])).toEqual([
      [done.id, 'succeeded'],
      [running.id, 'canceled'],
    ])
    // `completed` is each prediction's last event, so no other call can follow it.
    await waitUntil(() => emulator.ledger.job(done.id)?.webhookDeliveries.length === 1 && slow.ledger.job(running.id)?.webhookDeliveries.length === 1, { what: 'the deliveries in the ledgers' })
    expect(hook.calls).toHaveLength(2)
  })

  it('signs over id, timestamp and body: a tampered body or another secret fails validateWebhook', async () => {
    const hook = await receiver()
    await replicate.predictions.create({ model: 'fofr/live-portrait', input, webhook: hook.url, webhook_events_filter: ['start'] })
    await waitUntil(() => hook.calls.length === 1, { what: 'the start call' })
    const { headers, body } = hook.calls[0]!
    const parts = { id: String(headers['webhook-id']), timestamp: String(headers['webhook-timestamp']), signature: String(headers['webhook-signature']) }
    expect(parts.signature).toMatch(/^v1,[A-Za-z0-9+/]+={0,2}$/)
    expect(await validateWebhook({ ...parts, body, secret: SECRET })).toBe(true)
    expect(verifyReplicateWebhookSignature({ ...parts, body, secret: SECRET })).toBe(true)
    expect(await validateWebhook({ ...parts, body: body.replace('processing', 'succeeded'), secret: SECRET })).toBe(false)
    expect(await validateWebhook({ ...parts, body, secret: createReplicateWebhookSecret('other') })).toBe(false)
    expect(verifyReplicateWebhookSignature({ ...parts, body, secret: SECRET, now: Date.now() + 10 * 60_000 })).toBe(false)
  })

  it('answers the signing secret at /v1/webhooks/default/secret and refuses a bad filter or a non-loopback URL with 422', async () => {
    expect(await replicate.webhooks.default.secret.get()).toEqual({ key: SECRET })
    const seeded = await startEmulator({ seed: 31 })
    onTestFinished(() => seeded.stop())
    expect(await new Replicate({ auth: 'any', baseUrl: `${seeded.baseUrl}/v1` }).webhooks.default.secret.get()).toEqual({ key: createReplicateWebhookSecret(31) })
    const hook = await receiver()
    const refusal = async (body: Record<string, unknown>) => {
      const response = await fetch(`${emulator.baseUrl}/v1/models/fofr/live-portrait/predictions`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ input, ...body }) })
      return { status: response.status, detail: ((await response.json()) as { detail: string }).detail }
    }
    const jobsBefore = emulator.ledger.jobs().length
    expect(await refusal({ webhook: hook.url, webhook_events_filter: ['finished'] })).toMatchObject({ status: 422, detail: expect.stringContaining('finished') })
    expect(await refusal({ webhook: 'https://example.com/hook' })).toMatchObject({ status: 422, detail: expect.stringContaining('loopback') })
    // Refused before anything was created: no new job (earlier tests' predictions may still be running).
    expect(emulator.ledger.jobs()).toHaveLength(jobsBefore)
  })
})
