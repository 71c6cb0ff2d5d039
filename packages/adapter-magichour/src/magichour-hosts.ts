import { PortraitAnimatorError } from '@portrait-animator/core'
import { MAGIC_HOUR_HOSTS, PROVIDER } from './magichour-limits.js'

/**
 * Decides which URLs from a Magic Hour answer (pre-signed upload URLs, output downloads) this
 * adapter will touch: the API's own origin (the emulator serves both there), or `https` on
 * `magichour.ai`, its subdomains and the configured extra hosts. A URL in a response body is never
 * trusted blindly; none of these requests carries the API key.
 */
export function createHostPolicy(apiOrigin: string, extraHosts: readonly string[]): (url: string) => boolean {
  const hosts = [...MAGIC_HOUR_HOSTS, ...extraHosts]
  return (url) => {
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      return false
    }
    if (parsed.origin === apiOrigin) return true
    if (parsed.protocol !== 'https:') return false
    const host = parsed.hostname.toLowerCase()
    return hosts.some((allowed) => host === allowed || host.endsWith(`.${allowed}`))
  }
}

/** The error for a URL on a host the policy refuses. */
export function untrustedHostError(url: string, purpose: string, modelId: string, accepted: boolean): PortraitAnimatorError {
  let host = 'an unreadable URL'
  try {
    host = new URL(url).host
  } catch {
    // keep the placeholder
  }
  return new PortraitAnimatorError({
    kind: 'provider_error',
    message: `Magic Hour returned ${purpose} on an unexpected host (${host}); it was not used. Add the host to the downloadHosts setting if it is genuine.`,
    provider: PROVIDER,
    modelId,
    accepted,
  })
}
