/**
 * Which hosts are fal's, which of them `baseUrl` stands in for, and which may receive the key or
 * serve outputs. One place, so the rules cannot drift apart.
 */

/** The API hosts `@fal-ai/client` talks to; with `baseUrl` set, all of them are rewritten to it. */
export const FAL_API_HOSTS: readonly string[] = ['queue.fal.run', 'fal.run', 'rest.fal.ai', 'rest.alpha.fal.ai']

/** True for a host the fal client may send `Authorization: Key ...` to when no `baseUrl` is set. */
export function isFalApiHost(host: string): boolean {
  const name = host.toLowerCase()
  return name === 'fal.run' || name.endsWith('.fal.run') || name === 'fal.ai' || name.endsWith('.fal.ai')
}

/**
 * Where a request for `url` really goes: a URL on one of `FAL_API_HOSTS` moves to `baseUrl` with
 * the same path and query (`https://queue.fal.run/fal-ai/x?logs=1` to `${baseUrl}/fal-ai/x?logs=1`);
 * anything else (upload URLs, CDN URLs) is left alone.
 */
export function rewriteFalUrl(url: URL, baseUrl: URL | undefined): URL {
  if (!baseUrl || url.protocol !== 'https:' || !FAL_API_HOSTS.includes(url.hostname.toLowerCase())) return url
  const prefix = baseUrl.pathname.replace(/\/+$/, '')
  const target = new URL(baseUrl.href)
  target.pathname = `${prefix}${url.pathname}`
  target.search = url.search
  target.hash = ''
  return target
}

/**
 * Whether the key may travel with a request to `target`: only to fal's own API hosts, or to the
 * `baseUrl` origin that stands in for them. Never to a CDN, an upload URL elsewhere, or any other host.
 */
export function mayCarryKey(target: URL, baseUrl: URL | undefined): boolean {
  if (baseUrl) return target.origin === baseUrl.origin
  return target.protocol === 'https:' && isFalApiHost(target.hostname)
}

/** CDN hosts fal serves outputs from (`v3.fal.media`, `fal.media`, ...). */
function isFalMediaHost(host: string): boolean {
  const name = host.toLowerCase()
  return name === 'fal.media' || name.endsWith('.fal.media')
}

/**
 * Whether an output URL from a response body may be downloaded: https on fal's CDN (or fal's
 * historic `storage.googleapis.com/falserverless/` bucket), the `baseUrl` origin, or a host the
 * caller listed in `trustedOutputHosts`. A response body is never trusted to pick any other host.
 */
export function isTrustedOutputUrl(url: URL, options: { baseUrl?: URL | undefined; trustedHosts?: readonly string[] | undefined }): boolean {
  if (options.baseUrl && url.origin === options.baseUrl.origin) return true
  if (url.protocol !== 'https:') return false
  const host = url.hostname.toLowerCase()
  if (options.trustedHosts?.some((trusted) => trusted.toLowerCase() === host)) return true
  if (isFalMediaHost(host) || isFalApiHost(host)) return true
  return host === 'storage.googleapis.com' && url.pathname.startsWith('/falserverless/')
}
