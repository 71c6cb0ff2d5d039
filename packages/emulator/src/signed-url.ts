import { createHmac, timingSafeEqual } from 'node:crypto'

/** Adds `expires` (epoch ms) and an HMAC `signature` to a path, like a pre-signed storage URL. */
export function signPath(secret: string, path: string, expiresAt: number): string {
  const signature = createHmac('sha256', secret).update(`${path}\n${expiresAt}`).digest('hex')
  return `${path}?X-Amz-Expires=${expiresAt}&X-Amz-Signature=${signature}`
}

/** Checks a signed path: `valid`, `expired`, or `invalid` (missing or wrong signature). */
export function checkSignedPath(secret: string, url: URL, now = Date.now()): 'valid' | 'expired' | 'invalid' {
  const expiresAt = Number(url.searchParams.get('X-Amz-Expires'))
  const given = url.searchParams.get('X-Amz-Signature') ?? ''
  if (!Number.isFinite(expiresAt) || !/^[0-9a-f]{64}$/.test(given)) return 'invalid'
  const expected = createHmac('sha256', secret).update(`${decodeURIComponent(url.pathname)}\n${expiresAt}`).digest()
  if (!timingSafeEqual(expected, Buffer.from(given, 'hex'))) return 'invalid'
  return now > expiresAt ? 'expired' : 'valid'
}
