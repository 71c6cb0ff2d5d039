import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

/**
 * The emulator's Replicate webhook signing secret for a seed: `whsec_` and 32 base64 bytes, the
 * shape `GET /v1/webhooks/default/secret` answers with. The same seed gives the same secret.
 */
export function createReplicateWebhookSecret(seed: number | string): string {
  return `whsec_${createHash('sha256').update(`replicate-webhook/${seed}`).digest('base64')}`
}

/** The HMAC key of a `whsec_<base64>` secret: the base64 part, decoded (Standard Webhooks). */
function keyOf(secret: string): Buffer {
  return Buffer.from(secret.split('_').pop() ?? '', 'base64')
}

/**
 * Signs a Replicate webhook the Standard Webhooks way: base64 HMAC-SHA256 of
 * `"{webhook-id}.{webhook-timestamp}.{body}"` keyed with the secret's decoded base64 part.
 * @returns the `webhook-signature` header value, `v1,<base64>`.
 */
export function signReplicateWebhook(secret: string, delivery: { readonly id: string; readonly timestamp: string; readonly body: string }): string {
  const digest = createHmac('sha256', keyOf(secret)).update(`${delivery.id}.${delivery.timestamp}.${delivery.body}`).digest('base64')
  return `v1,${digest}`
}

/**
 * Checks a Replicate (Standard Webhooks) signature with plain `node:crypto`: one of the
 * space-separated `v1,<base64>` signatures matches, and the timestamp is within `toleranceSeconds`.
 */
export function verifyReplicateWebhookSignature(input: {
  readonly id: string
  readonly timestamp: string
  readonly signature: string
  readonly body: string
  readonly secret: string
  /** @default 300 */
  readonly toleranceSeconds?: number
  /** Epoch milliseconds. @default Date.now() */
  readonly now?: number
}): boolean {
  const age = Math.abs((input.now ?? Date.now()) / 1000 - Number(input.timestamp))
  if (!(age <= (input.toleranceSeconds ?? 300))) return false
  const expected = Buffer.from(signReplicateWebhook(input.secret, input).slice(3), 'base64')
  return input.signature.split(' ').some((part) => {
    const given = Buffer.from(part.split(',')[1] ?? '', 'base64')
    return given.length === expected.length && timingSafeEqual(given, expected)
  })
}
