import { createHttpClient, PortraitAnimatorError } from '@portrait-animator/core'
import { z } from 'zod'
import type { FalJwks } from './fal-webhook.js'

/** Where fal's docs say its webhook keys live. */
export const FAL_JWKS_URL = 'https://rest.alpha.fal.ai/.well-known/jwks.json'

/** The longest a JWKS may be cached, as fal recommends. */
export const MAX_JWKS_AGE_MS = 24 * 60 * 60 * 1000

/** Options of `createFalJwksCache`. */
export interface FalJwksCacheOptions {
  /**
   * Where to fetch the keys (an emulator serves them at `${baseUrl}/.well-known/jwks.json`).
   * @default 'https://rest.alpha.fal.ai/.well-known/jwks.json'
   */
  readonly url?: string
  /**
   * How long fetched keys are reused, in milliseconds; never more than 24 hours.
   * @default 86400000
   */
  readonly maxAgeMs?: number
  /** The fetch to use. @default undici over a keep-alive pool */
  readonly fetch?: typeof globalThis.fetch
}

/** A cached JWKS. */
export interface FalJwksCache {
  /** The keys, fetched when the cache is empty or older than `maxAgeMs`. */
  get(options?: { readonly signal?: AbortSignal }): Promise<FalJwks>
  /** Fetches the keys again now (e.g. after fal rotated them). */
  refresh(options?: { readonly signal?: AbortSignal }): Promise<FalJwks>
}

const jwksSchema = z.object({ keys: z.array(z.looseObject({ kty: z.string().optional(), crv: z.string().optional(), x: z.string().optional() })) })

/**
 * Fetches fal's webhook keys and keeps them for at most 24 hours, for `verifyFalWebhook`.
 *
 * @example
 * ```ts
 * const keys = createFalJwksCache()
 * verifyFalWebhook(request.headers, rawBody, { jwks: await keys.get() })
 * ```
 */
export function createFalJwksCache(options: FalJwksCacheOptions = {}): FalJwksCache {
  const url = options.url ?? FAL_JWKS_URL
  const maxAgeMs = Math.min(options.maxAgeMs ?? MAX_JWKS_AGE_MS, MAX_JWKS_AGE_MS)
  const http = createHttpClient({ provider: 'fal', ...(options.fetch ? { fetch: options.fetch } : {}) })
  let cached: { jwks: FalJwks; fetchedAt: number } | undefined
  let pending: Promise<FalJwks> | undefined

  async function load(signal: AbortSignal | undefined): Promise<FalJwks> {
    const response = await http.request(url, { headers: { accept: 'application/json' }, maxBytes: 1024 * 1024, ...(signal ? { signal } : {}) })
    if (!response.ok) {
      await response.discard()
      throw new PortraitAnimatorError({
        kind: response.status >= 500 ? 'unavailable' : 'provider_error',
        message: `fal's webhook keys could not be fetched (HTTP ${response.status}).`,
        provider: 'fal',
        statusCode: response.status,
      })
    }
    const jwks = await response.parse(jwksSchema)
    cached = { jwks, fetchedAt: Date.now() }
    return jwks
  }

  function refresh(call: { readonly signal?: AbortSignal } = {}): Promise<FalJwks> {
    pending ??= load(call.signal).finally(() => {
      pending = undefined
    })
    return pending
  }

  return {
    async get(call = {}) {
      if (cached && Date.now() - cached.fetchedAt < maxAgeMs) return cached.jwks
      return refresh(call)
    },
    refresh,
  }
}
