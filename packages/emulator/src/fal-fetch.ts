/** The fal hosts whose requests `falFetch` sends to the emulator, path unchanged. */
export const FAL_HOSTS: readonly string[] = ['queue.fal.run', 'fal.run', 'rest.fal.ai', 'rest.alpha.fal.ai']

/** Rewrites a fal URL (`https://queue.fal.run/fal-ai/...`) onto `baseUrl`; other URLs pass unchanged. */
export function rewriteFalUrl(url: string, baseUrl: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return url
  }
  if (parsed.protocol !== 'https:' || !FAL_HOSTS.includes(parsed.hostname)) return url
  const path = parsed.hostname === 'fal.run' ? `/fal-run${parsed.pathname}` : parsed.pathname
  return `${baseUrl.replace(/\/$/, '')}${path}${parsed.search}`
}

/**
 * A `fetch` that sends fal's hosts to the emulator and everything else where it was going. Give it
 * to `@fal-ai/client`, which has no base URL option; it also covers the storage upload `PUT`.
 *
 * @example
 * ```ts
 * import { createFalClient } from '@fal-ai/client'
 * const fal = createFalClient({ credentials: 'key-id:key-secret', fetch: falFetch(emulator.baseUrl) })
 * ```
 */
export function falFetch(baseUrl: string, fetchImplementation: typeof fetch = globalThis.fetch): typeof fetch {
  return (input, init) => {
    if (typeof input === 'string') return fetchImplementation(rewriteFalUrl(input, baseUrl), init)
    if (input instanceof URL) return fetchImplementation(rewriteFalUrl(input.href, baseUrl), init)
    const rewritten = rewriteFalUrl(input.url, baseUrl)
    return fetchImplementation(rewritten === input.url ? input : new Request(rewritten, input), init)
  }
}
